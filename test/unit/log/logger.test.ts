import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REDACT_PATHS, createLogger } from '../../../src/log/logger';

const ROOT = path.resolve(__dirname, '../../..');

/** Logs in a child process (the logger writes to fd 1) and returns its JSON lines. */
function logLines(script: string): Record<string, unknown>[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `const { createLogger } = require('./src/log/logger');\n${script}`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('createLogger', () => {
  it('writes JSON lines with name, pid, ISO time and the level filter', () => {
    const lines = logLines(`const log = createLogger('info', 'web'); log.debug('hidden'); log.info({ a: 1 }, 'shown');`);
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.deepEqual([line['name'], line['msg'], line['a'], line['pid']], ['web', 'shown', 1, line['pid']]);
    assert.equal(typeof line['pid'], 'number');
    assert.match(String(line['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('censors credential-shaped keys and bodies, at the top and one level down', () => {
    const [line] = logLines(`createLogger('info', 'x').info({ token: 't', password: 'p', body: { userName: 'u' }, req: { headers: { authorization: 'Bearer b' } }, job: { secret: 's', body: 'b', id: 7 } }, 'm');`);
    assert.equal(line!['token'], '[redacted]');
    assert.equal(line!['password'], '[redacted]');
    assert.equal(line!['body'], '[redacted]');
    assert.deepEqual(line!['req'], { headers: { authorization: '[redacted]' } });
    assert.deepEqual(line!['job'], { secret: '[redacted]', body: '[redacted]', id: 7 });
  });

  it('buffered: every line still reaches stdout by exit, process.exit included', () => {
    const lines = logLines(`const log = createLogger('info', 'w', { buffered: true }); for (let i = 0; i < 3; i++) log.info({ i }, 'line'); process.exit(0);`);
    assert.deepEqual(lines.map((l) => l['i']), [0, 1, 2]);
  });

  it('redacts the documented paths', () => {
    for (const p of ['authorization', 'token', 'password', 'secret', 'body', '*.body', 'req.headers.authorization']) assert.ok(REDACT_PATHS.includes(p), p);
    assert.equal(createLogger('silent', 'x').level, 'silent');
  });
});
