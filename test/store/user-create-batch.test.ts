import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { oktaUser } from '../support/okta-bodies';
import { applyScimWrite } from '../../src/provisioning/apply-scim-write';
import { UserCreateBatcher } from '../../src/store/user-create-batch';
import type { ScimWriteJob } from '../../src/queue/job-payloads';

/** Group commit of concurrent creates: one statement, each create with its own outcome, record and event. */
describe('user create batcher (group commit)', () => {
  let env: TestEnv;
  let directoryId = '';
  let organizationId = '';
  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
    const dir = await env.createDirectory();
    directoryId = dir.directoryId;
    organizationId = dir.organizationId;
  });
  after(async () => env.close());

  const job = (userName: string, operationId = randomUUID()): ScimWriteJob => ({
    operationId, directoryId, organizationId, requestId: 'test', method: 'POST', resourceType: 'User', body: oktaUser(userName),
    baseUrl: 'http://x/scim/v2/d', replyTo: 'none', receivedAt: Date.now(), summary: 'POST /Users',
  });
  const count = async (table: string, where: Record<string, unknown>) => Number((await env.db(table).where(where).count<{ c: number }[]>({ c: '*' }))[0]?.c);

  it('20 concurrent creates commit together: 20 users, 20 operation records, 20 events, each answered 201', async () => {
    const batcher = new UserCreateBatcher(env.db);
    const commitCreate = batcher.create.bind(batcher);
    const jobs = Array.from({ length: 20 }, (_, i) => job(`batch${i}@example.com`));
    const results = await Promise.all(jobs.map((j) => applyScimWrite(env.db, j, 1, { commitCreate })));
    assert.ok(results.every((r) => r.result.status === 201 && !r.replayed));
    assert.equal(new Set(results.map((r) => (r.result.body as { id: string }).id)).size, 20);
    for (const j of jobs) assert.equal(await count('operations', { id: j.operationId, status: 201 }), 1);
    assert.equal(await count('events', { directory_id: directoryId, type: 'user.created' }), 20);
    const users = await env.db('users').where({ directory_id: directoryId }).whereLike('user_name', 'batch%');
    assert.equal(users.length, 20);
  });

  it('duplicates inside one batch, and against an existing user: one 201, the rest 409 uniqueness', async () => {
    const batcher = new UserCreateBatcher(env.db);
    const commitCreate = batcher.create.bind(batcher);
    const jobs = [job('dup@example.com'), job('DUP@example.com'), job('batch0@example.com'), job('fresh@example.com')];
    const results = await Promise.all(jobs.map((j) => applyScimWrite(env.db, j, 1, { commitCreate })));
    assert.deepEqual(results.map((r) => r.result.status), [201, 409, 409, 201]);
    assert.equal((results[1]?.result.body as { scimType: string }).scimType, 'uniqueness');
    assert.equal(await count('operations', { id: jobs[1]?.operationId, status: 409 }), 1, 'the 409 is recorded for a retry');
    assert.equal(await count('events', { operation_id: jobs[1]?.operationId }), 0);
  });

  it('a redelivered job in a batch gets its recorded result; the others still apply (the batch falls back to one by one)', async () => {
    const first = job('again@example.com');
    const original = await applyScimWrite(env.db, first, 1);
    assert.equal(original.result.status, 201);
    const batcher = new UserCreateBatcher(env.db);
    const commitCreate = batcher.create.bind(batcher);
    const others = [job('other1@example.com'), job('other2@example.com')];
    const results = await Promise.all([first, ...others].map((j) => applyScimWrite(env.db, j, 2, { commitCreate })));
    assert.equal(results[0]?.replayed, true);
    assert.deepEqual(results[0]?.result, original.result, 'the original outcome, not a 409');
    assert.deepEqual(results.slice(1).map((r) => r.result.status), [201, 201]);
    assert.equal(await count('users', { directory_id: directoryId, user_name: 'again@example.com' }), 1);
    assert.equal(await count('events', { operation_id: first.operationId }), 1);
  });
});
