import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { HoldStore } from '../../src/store/hold-store';

/** The race between a sequencer round joining a hold and a release of that hold (src/delivery/circuit-breaker.ts). */
describe('HoldStore: a release never misses an event a round adds to its hold', { timeout: 60_000 }, () => {
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

  it('a round that reads a hold released meanwhile finds it closed (and retries)', async () => {
    const { holdId } = await setup();
    await new HoldStore(env.db).close(holdId, 'discarded', 'test');
    const open = await env.db.transaction((trx) => new HoldStore(trx).lockOpen(trx, [holdId]));
    assert.equal(open.size, 0);
  });
});
