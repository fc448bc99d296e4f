import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REDACT_PATHS, createLogger } from '../../../src/log/logger';

const ROOT = path.resolve(__dirname, '../../..');

// The logger writes to fd 1, so it runs in ONE child process (tsx start-up is the cost) that
// exercises every case; each line says which case wrote it.
const SCRIPT = `
const { createLogger } = require('./src/log/logger');
const plain = createLogger('info', 'web');
plain.debug({ case: 'level' }, 'hidden');
plain.info({ case: 'level', a: 1 }, 'shown');
plain.info({ case: 'redact', token: 't', password: 'p', body: { userName: 'u' }, req: { headers: { authorization: 'Bearer b' } }, job: { secret: 's', body: 'b', id: 7 } }, 'm');
const buffered = createLogger('info', 'worker', { buffered: true });
for (let i = 0; i < 3; i++) buffered.info({ case: 'buffered', i }, 'line');
process.exit(0);
`;

describe('createLogger', () => {
  let lines: Record<string, unknown>[] = [];
  before(() => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  });
  const of = (c: string) => lines.filter((l) => l['case'] === c);

  it('writes JSON lines with name, pid, ISO time and the level filter', () => {
    assert.equal(of('level').length, 1);
    const line = of('level')[0]!;
    assert.deepEqual([line['name'], line['msg'], line['a']], ['web', 'shown', 1]);
    assert.equal(typeof line['pid'], 'number');
    assert.match(String(line['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('censors credential-shaped keys and bodies, at the top and one level down', () => {
    const line = of('redact')[0]!;
    assert.equal(line['token'], '[redacted]');
    assert.equal(line['password'], '[redacted]');
    assert.equal(line['body'], '[redacted]');
    assert.deepEqual(line['req'], { headers: { authorization: '[redacted]' } });
    assert.deepEqual(line['job'], { secret: '[redacted]', body: '[redacted]', id: 7 });
  });

  it('buffered: every line still reaches stdout by exit, process.exit included', () => {
    assert.deepEqual(of('buffered').map((l) => l['i']), [0, 1, 2]);
  });

  it('redacts the documented paths', () => {
    for (const p of ['authorization', 'token', 'password', 'secret', 'body', '*.body', 'req.headers.authorization']) assert.ok(REDACT_PATHS.includes(p), p);
    assert.equal(createLogger('silent', 'x').level, 'silent');
  });
});
