import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { appendEvents } from '../../src/store/event-store';
import type { NewEvent } from '../../src/events/event-types';

const userEvent = (type: NewEvent['type'], version: number): NewEvent => ({ type, resourceType: 'user', resourceId: randomUUID(), resourceVersion: version, data: { resource: { userName: `u${version}@example.com`, nested: { a: [1, 'x'] } } } });

/** The outbox append; sequence numbers are assigned at commit by a deferred trigger. */
describe('appendEvents', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  const seqOf = async (ids: string[]) => {
    const rows: { id: string; seq: number }[] = await env.db('events').whereIn('id', ids).select('id', 'seq');
    const byId = new Map(rows.map((r) => [r.id, r.seq]));
    return ids.map((id) => byId.get(id));
  };
  const lastSeq = async (directoryId: string) => Number((await env.db('event_sequences').where({ directory_id: directoryId }).first('last_seq'))?.last_seq ?? 0);

  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('numbers events contiguously, in the order given, when the transaction commits, and round-trips their data', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: randomUUID() };
    const start = await lastSeq(dir.directoryId);
    const sent = [userEvent('user.created', 1), userEvent('user.updated', 2), userEvent('user.deactivated', 3)];
    const stored = await env.db.transaction(async (trx) => {
      const s = await appendEvents(trx, ctx, sent);
      assert.deepEqual(s.map((e) => e.seq), [null, null, null], 'no number before commit');
      return s;
    });
    assert.deepEqual(await seqOf(stored.map((e) => e.id)), [start + 1, start + 2, start + 3]);
    assert.deepEqual(stored.map((e) => [e.type, e.resourceId, e.resourceVersion, e.operationId]), sent.map((e) => [e.type, e.resourceId, e.resourceVersion, ctx.operationId]));
    assert.deepEqual(stored[0]?.data, sent[0]?.data);
    assert.equal(await lastSeq(dir.directoryId), start + 3);
  });

  it('sequence order is commit order: a transaction that appends first but commits last gets the later numbers', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null };
    const start = await lastSeq(dir.directoryId);
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    let firstAppended!: () => void;
    const appended = new Promise<void>((r) => (firstAppended = r));
    const first = env.db.transaction(async (trx) => {
      const s = await appendEvents(trx, ctx, [userEvent('user.created', 1)]);
      firstAppended();
      await firstMayCommit;
      return s;
    });
    await appended;
    const second = await env.db.transaction((trx) => appendEvents(trx, ctx, [userEvent('user.created', 2)]));
    releaseFirst();
    const firstEvents = await first;
    assert.deepEqual(await seqOf([second[0]!.id, firstEvents[0]!.id]), [start + 1, start + 2]);
  });

  it('concurrent transactions get disjoint, gap-free, consecutive ranges', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null };
    const start = await lastSeq(dir.directoryId);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => env.db.transaction((trx) => appendEvents(trx, ctx, [userEvent('user.created', i), userEvent('user.updated', i)]))));
    for (const r of runs) {
      const [a, b] = await seqOf(r.map((e) => e.id));
      assert.equal((b ?? 0) - (a ?? 0), 1, 'one write gets consecutive numbers');
    }
    const all = (await seqOf(runs.flat().map((e) => e.id))).map(Number).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 24 }, (_, i) => start + i + 1));
  });

  it('a rolled-back transaction consumes no number', async () => {
    const ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null };
    const start = await lastSeq(dir.directoryId);
    await assert.rejects(env.db.transaction(async (trx) => {
      await appendEvents(trx, ctx, [userEvent('user.created', 1)]);
      throw new Error('abort');
    }));
    assert.equal(await lastSeq(dir.directoryId), start);
  });

  it('creates the sequence row of a directory that has none instead of dropping events', async () => {
    const other = await env.createDirectory();
    await env.db('event_sequences').where({ directory_id: other.directoryId }).delete();
    const stored = await env.db.transaction((trx) => appendEvents(trx, { organizationId: other.organizationId, directoryId: other.directoryId, operationId: null }, [userEvent('user.created', 1)]));
    assert.deepEqual(await seqOf(stored.map((e) => e.id)), [1]);
  });

  it('appends nothing for no events', async () => {
    assert.deepEqual(await env.db.transaction((trx) => appendEvents(trx, { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null }, [])), []);
  });
});
