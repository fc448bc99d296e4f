import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { appendEvents } from '../../src/store/event-store';
import type { NewEvent } from '../../src/events/event-types';

const userEvent = (type: NewEvent['type'], version: number): NewEvent => ({ type, resourceType: 'user', resourceId: randomUUID(), resourceVersion: version, data: { resource: { userName: `u${version}@example.com`, nested: { a: [1, 'x'] } } } });

/** The outbox append (one statement since the bench found the sequence row lock to be the write bottleneck). */
describe('appendEvents', () => {
  let env: TestEnv;
  let dir: TestDirectory;

  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('numbers events contiguously in the order given and round-trips their data', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: randomUUID() };
    const before = Number((await env.db('event_sequences').where({ directory_id: dir.directoryId }).first('last_seq'))?.last_seq ?? 0);
    const sent = [userEvent('user.created', 1), userEvent('user.updated', 2), userEvent('user.deactivated', 3)];
    const stored = await env.db.transaction((trx) => appendEvents(trx, ctx, sent));
    assert.deepEqual(stored.map((e) => e.seq), [before + 1, before + 2, before + 3]);
    assert.deepEqual(stored.map((e) => [e.type, e.resourceId, e.resourceVersion, e.operationId]), sent.map((e) => [e.type, e.resourceId, e.resourceVersion, ctx.operationId]));
    assert.deepEqual(stored[0]?.data, sent[0]?.data);
    assert.equal(Number((await env.db('event_sequences').where({ directory_id: dir.directoryId }).first('last_seq'))?.last_seq), before + 3);
  });

  it('concurrent transactions get disjoint, gap-free ranges in commit order', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null };
    const before = Number((await env.db('event_sequences').where({ directory_id: dir.directoryId }).first('last_seq'))?.last_seq ?? 0);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => env.db.transaction((trx) => appendEvents(trx, ctx, [userEvent('user.created', i), userEvent('user.updated', i)]))));
    for (const r of runs) assert.equal((r[1]?.seq ?? 0) - (r[0]?.seq ?? 0), 1, 'one write gets consecutive numbers');
    const all = runs.flat().map((e) => e.seq).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 24 }, (_, i) => before + i + 1));
  });

  it('creates the sequence row of a directory that has none instead of dropping events', async () => {
    const other = await env.createDirectory();
    await env.db('event_sequences').where({ directory_id: other.directoryId }).delete();
    const stored = await env.db.transaction((trx) => appendEvents(trx, { organizationId: other.organizationId, directoryId: other.directoryId, operationId: null }, [userEvent('user.created', 1)]));
    assert.deepEqual(stored.map((e) => e.seq), [1]);
  });

  it('appends nothing for no events', async () => {
    assert.deepEqual(await env.db.transaction((trx) => appendEvents(trx, { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null }, [])), []);
  });
});
