import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { createScimQueue } from '../../src/queue/scim-queue';
import { SCIM_BATCH_JOB_NAME, writesOf, type ScimJobData, type ScimWriteJob } from '../../src/queue/job-payloads';
import { decodeReplies } from '../../src/queue/scim-reply';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Several writes in one BullMQ job (queue/scim-enqueuer.ts, worker/scim-processor.ts),
 * against the real web, worker, PostgreSQL and Redis.
 */
describe('batched writes: several SCIM writes per BullMQ job, each applied once on its own', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let directoryId = '';
  let organizationId = '';
  let queue: Queue<ScimJobData>;
  let connection: TestEnv['redis'];

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    directoryId = dir.directoryId;
    organizationId = (await env.db('directories').where({ id: directoryId }).first()).organization_id;
    scim = scimClient(dir.scimUrl, dir.token);
    // The web process's own queue settings (five attempts with backoff).
    connection = env.redis.duplicate();
    queue = createScimQueue(connection, env.config.queuePrefix);
  });
  after(async () => {
    await queue.close();
    connection.disconnect(); // a connection passed in is the caller's to close
    await env.close();
  });

  it('concurrent creates share jobs, and each gets its own 201, user, operation record and event', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `batch-${i}@example.com`);
    const answers = await Promise.all(names.map((n) => scim('POST', '/Users', oktaUser(n))));
    assert.deepEqual(answers.map((a) => a.status), names.map(() => 201));
    assert.deepEqual(answers.map((a) => a.body.userName), names, 'each request got its own user back');
    const jobs = await queue.getJobs(['completed'], 0, 200);
    const batches = jobs.filter((j) => j.name === SCIM_BATCH_JOB_NAME);
    assert.ok(batches.length > 0, 'at least one job carried several writes');
    const carried = jobs.reduce((n, j) => n + writesOf(j.data).length, 0);
    assert.equal(carried, names.length, 'every write travelled in exactly one job');
    const ids = answers.map((a) => a.body.id as string);
    assert.equal(Number((await env.db('users').whereIn('id', ids).count({ n: '*' }))[0]?.n), 40);
    assert.equal(Number((await env.db('operations').whereIn('resource_id', ids).count({ n: '*' }))[0]?.n), 40);
    assert.equal(Number((await env.db('events').whereIn('resource_id', ids).count({ n: '*' }))[0]?.n), 40);
  });

  it('a write that keeps failing is retried with its batch, never undoes the others, and they are applied once', async () => {
    const replyTo = `${env.config.queuePrefix}:test-replies-${randomUUID()}`;
    const subscriber = env.redis.duplicate();
    const replies: { operationId: string; status: number }[] = [];
    subscriber.on('message', (_channel: string, message: string) => {
      for (const r of decodeReplies(message, () => true)) replies.push({ operationId: r.operationId, status: r.result.status });
    });
    await subscriber.subscribe(replyTo);
    const write = (userName: string, dir = directoryId): ScimWriteJob => ({
      operationId: randomUUID(),
      directoryId: dir,
      organizationId,
      requestId: `req-${userName}`,
      method: 'POST',
      resourceType: 'User',
      body: oktaUser(userName),
      baseUrl: `${env.baseUrl}/scim/v2/${dir}`,
      replyTo,
      receivedAt: Date.now(),
      summary: 'POST /Users',
    });
    const good1 = write('kept-1@example.com');
    const good2 = write('kept-2@example.com');
    // A directory that does not exist: the insert breaks its foreign key on every attempt (not a SCIM answer, a failure).
    const poison = write('poison@example.com', randomUUID());
    try {
      const job = await queue.add(SCIM_BATCH_JOB_NAME, { writes: [good1, poison, good2] }, { jobId: randomUUID() });
      const state = await waitFor('the batch to fail for good', async () => ((await job.getState()) === 'failed' ? 'failed' : undefined));
      assert.equal(state, 'failed');
      const failed = await queue.getJob(job.id ?? '');
      assert.equal(failed?.attemptsMade, 5, 'retried as BullMQ retries any job');
      await waitFor('the final 503 for the failing write', async () => replies.some((r) => r.operationId === poison.operationId && r.status === 503));
    } finally {
      await subscriber.quit();
    }
    // The good writes: answered 201 on the first attempt, committed once although their job ran five times.
    for (const good of [good1, good2]) {
      // Each attempt re-publishes the recorded result (a redelivered job must answer a receiver still waiting);
      // it is always the same 201, and no 503 follows when the batch fails for good.
      const statuses = replies.filter((r) => r.operationId === good.operationId).map((r) => r.status);
      assert.ok(statuses.length >= 1 && statuses.every((s) => s === 201), `replies of a committed write: ${statuses.join(',')}`);
      assert.equal((await env.db('users').where({ directory_id: directoryId, user_name: (good.body as { userName: string }).userName })).length, 1);
      assert.equal((await env.db('operations').where({ id: good.operationId })).length, 1);
      const op = await env.db('operations').where({ id: good.operationId }).first();
      assert.equal((await env.db('events').where({ resource_id: op.resource_id })).length, 1, 'one user.created event');
    }
    // The failing write left nothing behind.
    assert.equal((await env.db('operations').where({ id: poison.operationId })).length, 0);
    assert.equal((await env.db('users').where({ user_name: 'poison@example.com' })).length, 0);
  });
});
