import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { type EventContext, EventStore } from '../../src/store/event-store';
import { sequenceDirectory } from '../../src/delivery/outbox-sequencer';
import type { NewEvent } from '../../src/events/event-types';

const userEvent = (type: NewEvent['type'], version: number, resourceId = randomUUID()): NewEvent => ({ type, resourceType: 'user', resourceId, resourceVersion: version, data: { resource: { userName: `u${version}@example.com`, nested: { a: [1, 'x'] } } } });

/**
 * The outbox append (writers take no per-directory lock) and the sequencer that
 * numbers committed events after commit (src/delivery/outbox-sequencer.ts).
 */
describe('appendEvents and the outbox sequencer', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  let ctx: EventContext;
  const seqOf = async (ids: string[]) => {
    const rows: { id: string; seq: number | null }[] = await env.db('events').whereIn('id', ids).select('id', 'seq');
    const byId = new Map(rows.map((r) => [r.id, r.seq]));
    return ids.map((id) => byId.get(id) ?? null);
  };
  const lastSeq = async (directoryId: string) => Number((await env.db('event_sequences').where({ directory_id: directoryId }).first('last_seq'))?.last_seq ?? 0);
  /** Sequences until `done` holds (another sequencer may hold the directory's lock for a moment). */
  const sequenceUntil = async (directoryId: string, done: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i++) {
      await sequenceDirectory(env.db, directoryId);
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('sequencing did not finish');
  };
  const allSequenced = (ids: string[]) => async () => (await seqOf(ids)).every((s) => s !== null);
  const open = () => env.db.transaction() as Promise<Knex.Transaction>;

  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
    dir = await env.createDirectory();
    ctx = { organizationId: dir.organizationId, directoryId: dir.directoryId, operationId: null };
  });
  after(async () => env.close());

  it('writers list only the event columns; the sequencer numbers events contiguously, in the order given, after commit', async () => {
    const withOp = { ...ctx, operationId: randomUUID() };
    const start = await lastSeq(dir.directoryId);
    const sent = [userEvent('user.created', 1), userEvent('user.updated', 2), userEvent('user.deactivated', 3)];
    const stored = await env.db.transaction(async (trx) => {
      const s = await new EventStore(trx).appendEvents(withOp, sent);
      assert.deepEqual(s.map((e) => e.seq), [null, null, null], 'no number before commit');
      return s;
    });
    assert.deepEqual(await seqOf(stored.map((e) => e.id)), [null, null, null], 'committing takes no sequence lock and assigns nothing');
    await sequenceUntil(dir.directoryId, allSequenced(stored.map((e) => e.id)));
    assert.deepEqual(await seqOf(stored.map((e) => e.id)), [start + 1, start + 2, start + 3]);
    assert.deepEqual(stored.map((e) => [e.type, e.resourceId, e.resourceVersion, e.operationId]), sent.map((e) => [e.type, e.resourceId, e.resourceVersion, withOp.operationId]));
    assert.deepEqual(stored[0]?.data, sent[0]?.data);
    assert.equal(await lastSeq(dir.directoryId), start + 3);
    const row = await env.db('events').where({ id: stored[0]?.id }).first('txid', 'ordinal');
    assert.ok(row.txid && row.ordinal, 'txid and ordinal come from column defaults');
  });

  it('an open transaction is not numbered until it commits; then its events come after those numbered meanwhile (commit order), none skipped', async () => {
    const start = await lastSeq(dir.directoryId);
    const first = await open();
    const [early] = await new EventStore(first).appendEvents(ctx, [userEvent('user.created', 1)]);
    const [later] = await env.db.transaction((trx) => new EventStore(trx).appendEvents(ctx, [userEvent('user.created', 2)]));
    await sequenceUntil(dir.directoryId, allSequenced([later!.id]));
    assert.deepEqual(await seqOf([later!.id, early!.id]), [start + 1, null], 'the committed event is numbered at once; the open one is invisible');
    // A consumer that read up to start + 1 now must still get `early`: it gets the next number.
    await first.commit();
    await sequenceUntil(dir.directoryId, allSequenced([early!.id]));
    assert.deepEqual(await seqOf([early!.id]), [start + 2]);
    const [after] = await env.db.transaction((trx) => new EventStore(trx).appendEvents(ctx, [userEvent('user.created', 3)]));
    await sequenceUntil(dir.directoryId, allSequenced([after!.id]));
    assert.deepEqual(await seqOf([after!.id]), [start + 3]);
  });

  it("each resource's events are numbered in version order even when transaction ids are not, also across batches", async () => {
    const start = await lastSeq(dir.directoryId);
    const r = randomUUID();
    // A writes something else first, so its transaction id is the smaller one ...
    const a = await open();
    const [x] = await new EventStore(a).appendEvents(ctx, [userEvent('user.created', 1)]);
    // ... while B writes version 2 of r and commits; then A writes version 3 of r.
    const [v2] = await env.db.transaction((trx) => new EventStore(trx).appendEvents(ctx, [userEvent('user.updated', 2, r)]));
    const [v3] = await new EventStore(a).appendEvents(ctx, [userEvent('user.updated', 3, r)]);
    await a.commit();
    // (txid, ordinal) order is x, v3, v2. A batch of 2 takes x and v3, but v3 must wait for v2.
    const first = await sequenceDirectory(env.db, dir.directoryId, 2);
    assert.equal(first.sequenced, 1);
    assert.deepEqual(await seqOf([x!.id, v3!.id, v2!.id]), [start + 1, null, null], 'v3 is held back while v2 is outside the batch');
    await sequenceDirectory(env.db, dir.directoryId, 2);
    assert.deepEqual(await seqOf([v2!.id, v3!.id]), [start + 2, start + 3], 'in one batch, version 2 takes the earlier position');
  });

  it('concurrent writers and sequencers: gap-free, each write consecutive, and a polling consumer never skips an event', async () => {
    const start = await lastSeq(dir.directoryId);
    const seen: number[] = [];
    let cursor = start;
    let writing = true;
    const consumer = (async () => {
      while (writing || cursor < start + 48) {
        const rows: { seq: number }[] = await env.db('events').where({ directory_id: dir.directoryId }).andWhere('seq', '>', cursor).orderBy('seq').select('seq');
        for (const row of rows) {
          assert.equal(row.seq, cursor + 1, 'the consumer sees the next number, never a later one first');
          seen.push(row.seq);
          cursor = row.seq;
        }
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
    const sequencers = (async () => {
      while (writing) await Promise.all([sequenceDirectory(env.db, dir.directoryId), sequenceDirectory(env.db, dir.directoryId)]);
    })();
    const runs = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        env.db.transaction(async (trx) => {
          await new Promise((res) => setTimeout(res, (i % 5) * 7));
          return new EventStore(trx).appendEvents(ctx, [userEvent('user.created', i), userEvent('user.updated', i)]);
        }),
      ),
    );
    await sequenceUntil(dir.directoryId, allSequenced(runs.flat().map((e) => e.id)));
    writing = false;
    await sequencers;
    await consumer;
    for (const r of runs) {
      const [a, b] = await seqOf(r.map((e) => e.id));
      assert.equal((b ?? 0) - (a ?? 0), 1, 'one write gets consecutive numbers');
    }
    assert.deepEqual(seen, Array.from({ length: 48 }, (_, i) => start + i + 1));
  });

  it('a rolled-back transaction consumes no number', async () => {
    const start = await lastSeq(dir.directoryId);
    await assert.rejects(
      env.db.transaction(async (trx) => {
        await new EventStore(trx).appendEvents(ctx, [userEvent('user.created', 1)]);
        throw new Error('abort');
      }),
    );
    await sequenceDirectory(env.db, dir.directoryId);
    assert.equal(await lastSeq(dir.directoryId), start);
  });

  it('creates the sequence row of a directory that has none instead of dropping events', async () => {
    const other = await env.createDirectory();
    await env.db('event_sequences').where({ directory_id: other.directoryId }).delete();
    const stored = await env.db.transaction((trx) => new EventStore(trx).appendEvents({ organizationId: other.organizationId, directoryId: other.directoryId, operationId: null }, [userEvent('user.created', 1)]));
    await sequenceUntil(other.directoryId, allSequenced(stored.map((e) => e.id)));
    assert.deepEqual(await seqOf(stored.map((e) => e.id)), [1]);
  });

  it('appends nothing for no events', async () => {
    assert.deepEqual(await env.db.transaction((trx) => new EventStore(trx).appendEvents(ctx, [])), []);
  });
});
