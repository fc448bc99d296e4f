/**
 * Issue 12 requirement 5: on an uncaught exception or an unhandled rejection a real
 * web or worker process logs the failure (redacted), drains through its shutdown
 * closers within a bounded budget, and exits 1 so the dyno manager restarts it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config';
import { createDb } from '../../src/store/db';
import { dropDatabase, ensureDatabase } from '../../src/store/ensure-database';
import { freePort } from '../support/test-env';

const ROOT = path.resolve(__dirname, '../..');
const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

function runUntilExit(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, output, ms: Date.now() - started });
    }),
  );
}

/** The fatal JSON log line of the crash. */
function fatalLine(output: string): { level: number; kind: string; error: { type: string; message: string; stack?: string } } {
  const line = output.split('\n').find((l) => l.includes('"level":60') && l.includes('"kind"'));
  assert.ok(line, `no fatal crash line in:\n${output}`);
  return JSON.parse(line) as ReturnType<typeof fatalLine>;
}

function assertRedacted(output: string): void {
  assert.doesNotMatch(output, /dsk_injectedSecretToken/, 'token leaked into the crash log');
  assert.doesNotMatch(output, /hunter2secret/, 'password leaked into the crash log');
}

describe('crash handlers in real processes', { timeout: 180_000 }, () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${PG_BASE}/dirsync_test_${suffix}`;
  const prefix = `{dstest-${suffix}}`;
  let env: Record<string, string>;

  before(async () => {
    await ensureDatabase(databaseUrl);
    const db = createDb(loadConfig({ DATABASE_URL: databaseUrl, NODE_ENV: 'test' }), 2, { forMigrations: true });
    await db.migrate.latest();
    await db.destroy();
    env = { NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2' };
  });

  after(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await dropDatabase(databaseUrl);
  });

  it('web: an uncaught exception is logged redacted, the server drains, and the process exits 1', async () => {
    const port = await freePort();
    const run = await runUntilExit(['--import', './test/support/crash/inject-crash.ts', 'src/main/web.ts'], {
      ...env,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CRASH_AFTER: 'web listening',
      CRASH_KIND: 'throw',
    });
    assert.equal(run.code, 1, run.output);
    const fatal = fatalLine(run.output);
    assert.equal(fatal.kind, 'uncaughtException');
    assert.equal(fatal.error.type, 'Error');
    assert.match(fatal.error.message, /injected failure: Bearer \[redacted\] via postgres:\/\/app:\[redacted\]@db\.example/);
    assertRedacted(run.output);
    // The drain ran the shutdown closers (the HTTP server first) before exiting.
    assert.match(run.output, /"part":"http server".*"msg":"closed"|"msg":"closed".*"part":"http server"/, run.output);
    assert.match(run.output, /exiting after crash/);
    assert.ok(run.ms < 30_000, `took ${run.ms} ms`);
  });

  it('worker: an unhandled rejection is logged redacted, the workers close, and the process exits 1', async () => {
    const run = await runUntilExit(['--import', './test/support/crash/inject-crash.ts', 'src/main/worker.ts'], { ...env, CRASH_AFTER: 'workers started', CRASH_KIND: 'reject' });
    assert.equal(run.code, 1, run.output);
    const fatal = fatalLine(run.output);
    assert.equal(fatal.kind, 'unhandledRejection');
    assertRedacted(run.output);
    assert.match(run.output, /"msg":"closed"/);
    assert.match(run.output, /exiting after crash/);
  });

  it('a drain that never finishes is cut at the crash budget: still exit 1', async () => {
    const run = await runUntilExit(['test/support/crash/hanging-drain.ts'], { CRASH_BUDGET_MS: '1000' }, 20_000);
    assert.equal(run.code, 1, run.output);
    assert.equal(run.signal, null);
    assert.match(run.output, /crash drain budget exceeded/);
    assert.doesNotMatch(run.output, /exiting after crash/);
    assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
  });
});
