import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { HoldStore } from '../../src/store/hold-store';
import { type RetentionConnection, RetentionStore } from '../../src/store/retention-store';

/** A release never misses an event a round adds to its hold (src/delivery/circuit-breaker.ts), and retention keeps held events. */
describe('HoldStore: releases, rounds and retention around an open hold', { timeout: 60_000 }, () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
  });
  after(async () => env.close());

  async function setup() {
    const dir = await env.createDirectory();
    let seq = 0;
    const event = async () => {
      const [row] = await env.db('events')
        .insert({ organization_id: dir.organizationId, directory_id: dir.directoryId, type: 'user.deactivated', resource_type: 'user', resource_id: crypto.randomUUID(), resource_version: 2, data: { resource: { active: false } }, seq: ++seq })
        .returning('id');
      return (row as { id: string }).id;
    };
    const holdId = await env.db.transaction((trx) => new HoldStore(trx).open(trx, dir.organizationId, dir.directoryId));
    const first = await event();
    await env.db.transaction((trx) => new HoldStore(trx).holdEvents(trx, [{ eventId: first, holdId, kind: 'deactivation' }]));
    return { dir, holdId, event };
  }
  const copies = async (holdId: string) => (await env.db('events').whereIn('released_from', env.db('hold_events').where({ hold_id: holdId }).select('event_id')).count<{ n: string }[]>('* as n'))[0]!.n;

  it('a release waits for a round that locked the hold, then re-issues what the round added', async () => {
    const { holdId, event } = await setup();
    const second = await event();
    let releasing: Promise<unknown> | undefined;
    await env.db.transaction(async (trx) => {
      const store = new HoldStore(trx);
      assert.deepEqual([...(await store.lockOpen(trx, [holdId]))], [holdId]);
      releasing = new HoldStore(env.db).close(holdId, 'released', 'test');
      await new Promise((r) => setTimeout(r, 300));
      await store.holdEvents(trx, [{ eventId: second, holdId, kind: 'deactivation' }]);
    });
    const result = (await releasing) as { changed: boolean };
    assert.equal(result.changed, true);
    assert.equal(Number(await copies(holdId)), 2, 'both held events re-issued');
  });

  it('retention never prunes an event an open hold keeps back', async () => {
    const { dir, holdId } = await setup();
    const old = { organization_id: dir.organizationId, directory_id: dir.directoryId, type: 'user.updated', resource_type: 'user', resource_version: 1, data: {}, occurred_at: new Date(Date.now() - 40 * 86_400_000) };
    await env.db('events').update({ occurred_at: old.occurred_at }).where({ directory_id: dir.directoryId });
    await env.db('events').insert({ ...old, resource_id: crypto.randomUUID(), seq: 100 });
    const client = (env.db.client as unknown as { acquireConnection(): Promise<RetentionConnection>; releaseConnection(c: RetentionConnection): Promise<void> });
    const conn = await client.acquireConnection();
    try {
      const run = await new RetentionStore(conn).pruneEventBatch(dir.directoryId, 0, 30 * 86_400, 100);
      assert.equal(run.deleted, 1, 'only the event no hold keeps');
    } finally {
      await client.releaseConnection(conn);
    }
    assert.equal((await env.db('hold_events').where({ hold_id: holdId })).length, 1);
  });

  it('a round that reads a hold released meanwhile finds it closed (and retries)', async () => {
    const { holdId } = await setup();
    await new HoldStore(env.db).close(holdId, 'discarded', 'test');
    const open = await env.db.transaction((trx) => new HoldStore(trx).lockOpen(trx, [holdId]));
    assert.equal(open.size, 0);
  });
});
