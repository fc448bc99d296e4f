import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/config/config';
import { createDb, type Db } from '../../src/store/db';
import { dropDatabase, ensureDatabase } from '../../src/store/ensure-database';
import { OrganizationStore } from '../../src/store/organization-store';
import { DirectoryStore } from '../../src/store/directory-store';
import { freePort } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';

const ROOT = path.resolve(__dirname, '../..');
const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

/** Spawns a real entry point (`node --import tsx src/main/<name>.ts`) with the test's environment. */
function spawnMain(name: 'web' | 'worker', env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/main/${name}.ts`], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, output: () => out, exited };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('graceful shutdown of real web and worker processes', { timeout: 180_000 }, () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${PG_BASE}/dirsync_test_${suffix}`;
  const prefix = `{dstest-${suffix}}`;
  let db: Db;
  let redis: Redis;
  let queue: Queue;
  let env: Record<string, string>;
  let webPort = 0;
  let scim: ScimClient;
  let token = '';
  let userId = '';
  const procs: Proc[] = [];

  const start = async (name: 'web' | 'worker'): Promise<Proc> => {
    const p = spawnMain(name, name === 'web' ? { ...env, PORT: String(webPort) } : env);
    procs.push(p);
    if (name === 'web') await until('web ready', async () => (await fetch(`http://127.0.0.1:${webPort}/readyz`)).status === 200);
    else await until('worker started', () => p.output().includes('workers started'));
    return p;
  };
  /** Holds the user's row lock so the worker's job for it stays active until released. */
  const lockUser = async (): Promise<Knex.Transaction> => {
    const trx = await db.transaction();
    await trx('users').where({ id: userId }).forUpdate();
    return trx;
  };
  const patch = (n: number, requestId: string) =>
    scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { displayName: `Name ${n}` } }] }, { 'X-Request-Id': requestId });

  before(async () => {
    await ensureDatabase(databaseUrl);
    const config = loadConfig({ DATABASE_URL: databaseUrl, NODE_ENV: 'test' });
    db = createDb(config, 4);
    await db.migrate.latest();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('scim', { connection: redis, prefix });
    const org = await new OrganizationStore(db).create(`Shutdown ${suffix}`, true);
    const created = await new DirectoryStore(db).create(org.id, 'okta');
    token = created.token;
    webPort = await freePort();
    env = { NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2', PUBLIC_URL: `http://127.0.0.1:${webPort}` };
    scim = scimClient(`http://127.0.0.1:${webPort}/scim/v2/${created.directory.id}`, token);
  });

  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('web: SIGTERM with a SCIM write in flight answers it, then exits 0 well under 30 s', async () => {
    const worker = await start('worker');
    const web = await start('web');
    const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'shutdown@example.com', name: { givenName: 'S', familyName: 'D' }, active: true });
    assert.equal(created.status, 201, created.text);
    userId = created.body.id;

    const trx = await lockUser();
    const inFlight = patch(1, 'shutdown-web-req-1');
    await until('job active', async () => (await queue.getActiveCount()) === 1);
    const signalledAt = Date.now();
    web.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(web.child.exitCode, null, 'web waits for the in-flight request');
    await trx.commit();
    const res = await inFlight;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.displayName, 'Name 1');
    const exit = await web.exited;
    assert.equal(exit.code, 0, web.output());
    assert.ok(exit.at - signalledAt < 10_000, `exited after ${exit.at - signalledAt} ms`);
    // The request id travels into the worker's log line for that job.
    await until('worker log', () => worker.output().includes('shutdown-web-req-1'), 5000);
    const line = worker.output().split('\n').find((l) => l.includes('shutdown-web-req-1')) ?? '';
    assert.match(line, /"requestId":"shutdown-web-req-1".*"operationId":|"operationId":.*"requestId":"shutdown-web-req-1"/);
  });

  it('worker: SIGTERM with an active job finishes it (the request is answered), closes and exits 0', async () => {
    const worker = procs.find((p) => p.output().includes('workers started') && p.child.exitCode === null);
    assert.ok(worker);
    await start('web');
    const trx = await lockUser();
    const inFlight = patch(2, 'shutdown-worker-req-2');
    await until('job active', async () => (await queue.getActiveCount()) === 1);
    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(worker.child.exitCode, null, 'worker waits for its active job');
    await trx.commit();
    const res = await inFlight;
    assert.equal(res.status, 200, res.text);
    const exit = await worker.exited;
    assert.equal(exit.code, 0, worker.output());
    assert.ok(exit.at - signalledAt < 10_000);
    assert.match(worker.output(), /"part":"postgres","msg":"closed"/);
    assert.equal((await db('operations').where({ resource_id: userId, method: 'PATCH' }).count<{ count: number }[]>('* as count'))[0]?.count, 2);
  });

  it('a second signal exits at once, even with a job still active', async () => {
    const worker = await start('worker');
    const trx = await lockUser();
    try {
      void patch(3, 'shutdown-second-signal').catch(() => undefined);
      await until('job active', async () => (await queue.getActiveCount()) === 1);
      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(worker.child.exitCode, null);
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      assert.equal(exit.code, 1);
      assert.ok(exit.at - signalledAt < 3000, `exited after ${exit.at - signalledAt} ms`);
      assert.match(worker.output(), /second signal: exiting now/);
    } finally {
      await trx.rollback();
    }
  });

  it('logs carry no token, Authorization header or body', () => {
    const all = procs.map((p) => p.output()).join('\n');
    assert.ok(all.length > 1000);
    assert.ok(!all.includes(token), 'bearer token never logged');
    assert.doesNotMatch(all, /Bearer |"authorization":"[^[]/i);
    assert.ok(!all.includes('shutdown@example.com'), 'SCIM body fields never logged');
  });
});
