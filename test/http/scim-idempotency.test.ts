import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { startWorkers } from '../../src/main/worker-runtime';
import { createLogger } from '../../src/log/logger';
import type { Closer } from '../../src/ops/shutdown';
import type { ScimWriteJob } from '../../src/queue/job-payloads';
import { QUEUE_NAMES } from '../../src/queue/queue-names';
import { applyScimWrite } from '../../src/provisioning/apply-scim-write';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function deletePrefix(env: TestEnv): Promise<void> {
  const keys = await env.redis.keys(`${env.config.queuePrefix}*`);
  if (keys.length) await env.redis.del(...keys);
}

describe('exactly-once effect (G2): redelivered jobs and Okta retries after 503', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let directoryId = '';
  let workerClosers: Closer[] = [];
  const startWorker = async () => {
    workerClosers = (await startWorkers(env.config, createLogger('silent', 'test-worker'))).closers;
  };
  const stopWorker = async () => {
    for (const c of workerClosers.filter((x) => x.name !== 'postgres')) await c.close();
    for (const c of workerClosers.filter((x) => x.name === 'postgres')) await c.close();
    workerClosers = [];
  };

  before(async () => {
    // No worker at first, and a short reply timeout, so requests time out into 503.
    env = await createTestEnv({ workers: false, env: { SCIM_REPLY_TIMEOUT_MS: '400', SCIM_RETRY_AFTER_SECONDS: '7' } });
    const dir = await env.createDirectory();
    directoryId = dir.directoryId;
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => {
    await stopWorker();
    await env.close();
  });

  it('no result in time → 503 with Retry-After; the identical retry gets the original 201, never a 409 or a duplicate', async () => {
    const body = oktaUser('slow@example.com');
    const first = await scim('POST', '/Users', body);
    assert.equal(first.status, 503);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.deepEqual(first.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);

    const stillQueued = await scim('POST', '/Users', body);
    assert.equal(stillQueued.status, 503, 'the retry maps to the same queued operation');
    assert.equal(await env.db('users').where({ directory_id: directoryId }).count<{ c: number }[]>({ c: '*' }).then((r) => Number(r[0]?.c)), 0, 'G1: nothing acknowledged, nothing applied yet');

    await startWorker();
    await waitFor('the queued create to apply', async () => (await env.db('users').where({ directory_id: directoryId }).first()) as unknown);
    const retry = await scim('POST', '/Users', body);
    assert.equal(retry.status, 201, retry.text);
    const row = await env.db('users').where({ directory_id: directoryId }).first();
    assert.equal(retry.body.id, row.id, 'the original outcome');
    assert.equal((await env.db('users').where({ directory_id: directoryId })).length, 1);
    assert.equal((await env.db('operations').where({ directory_id: directoryId })).length, 1, 'one operation applied');

    // A later identical POST is a new request (Okta only re-POSTs after a 503): a real duplicate → 409.
    const dup = await scim('POST', '/Users', body);
    assert.equal(dup.status, 409);
    await stopWorker();
  });

  it('Redis loses the queued job (flush) after a 503: the retry re-enqueues the same operation and applies it once', async () => {
    const body = oktaUser('flushed@example.com');
    const first = await scim('POST', '/Users', body);
    assert.equal(first.status, 503);
    await deletePrefix(env); // what FLUSHALL does to our keys (the shared Redis serves other test runs)
    await startWorker();
    const retry = await scim('POST', '/Users', body);
    assert.equal(retry.status, 201, retry.text);
    assert.equal((await env.db('users').where({ directory_id: directoryId, user_name: 'flushed@example.com' })).length, 1);
    await stopWorker();
  });

  it('a job delivered twice (worker killed after commit) applies once and returns the recorded result', async () => {
    await startWorker();
    const created = await scim('POST', '/Users', oktaUser('twice@example.com'));
    assert.equal(created.status, 201);
    const op = await env.db('operations').where({ resource_id: created.body.id }).first();
    const connection = env.redis.duplicate();
    const queue = new Queue<ScimWriteJob>(QUEUE_NAMES.scim, { connection, prefix: env.config.queuePrefix });
    try {
      // The reply is published just before BullMQ marks the job completed: wait for that.
      await waitFor('the job to complete', async () => ((await queue.getJobState(op.id)) === 'completed' ? true : undefined));
      const job = await queue.getJob(op.id);
      assert.ok(job, 'completed job retained');
      const data = job.data;
      await job.remove();
      const again = await queue.add('user.create', data, { jobId: op.id });
      const state = await waitFor('redelivered job to complete', async () => ((await again.getState()) === 'completed' ? 'completed' : undefined));
      assert.equal(state, 'completed');
      const done = await queue.getJob(op.id);
      assert.deepEqual(done?.returnvalue, { status: 201, replayed: true });
      // And straight through the use-case, as a BullMQ retry would run it:
      const direct = await applyScimWrite(env.db, data, 2);
      assert.equal(direct.replayed, true);
      assert.equal((direct.result.body as { id: string }).id, created.body.id);
    } finally {
      await queue.close();
      connection.disconnect(); // a connection passed in is the caller's to close
    }
    assert.equal((await env.db('users').where({ user_name: 'twice@example.com' })).length, 1);
    assert.equal((await env.db('events').where({ resource_id: created.body.id })).length, 1, 'one user.created event');
    assert.equal((await env.db('operations').where({ id: op.id })).length, 1);
  });

  it('concurrent deliveries of one job race on the operation record; both return the one result', async () => {
    const dir = await env.db('directories').where({ id: directoryId }).first();
    const fresh: ScimWriteJob = {
      operationId: '6f1c2b4a-9d0e-4c1f-8a7b-2e3d4c5b6a70',
      directoryId,
      organizationId: dir.organization_id,
      requestId: 'test',
      method: 'POST',
      resourceType: 'User',
      body: oktaUser('racejob@example.com'),
      baseUrl: `${env.baseUrl}/scim/v2/${directoryId}`,
      replyTo: 'nobody',
      receivedAt: Date.now(),
      summary: 'POST /Users',
    };
    const [r1, r2] = await Promise.all([applyScimWrite(env.db, fresh, 1), applyScimWrite(env.db, fresh, 1)]);
    assert.deepEqual(r1.result, r2.result);
    assert.equal(r1.result.status, 201);
    assert.equal([r1.replayed, r2.replayed].filter(Boolean).length, 1);
    assert.equal((await env.db('users').where({ user_name: 'racejob@example.com' })).length, 1);
  });
});
