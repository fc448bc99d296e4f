import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryStatus, type DeliveryFacts } from '../../../src/store/operation-trace';

const T0 = new Date('2026-11-29T10:00:00Z');
const T1 = new Date('2026-11-29T10:00:05Z');
const facts = (over: Partial<DeliveryFacts>): DeliveryFacts => ({
  sink: { enabled: true, deliverFrom: new Date('2026-11-01T00:00:00Z') },
  cursor: { lastSeq: 10, updatedAt: T1 },
  event: { seq: 7, occurredAt: T0 },
  row: null,
  ...over,
});
const row = (status: string) => ({ status, attempts: 3, lastStatus: 503, lastError: 'HTTP 5xx', deliveredAt: status === 'delivered' ? T1 : null, nextAttemptAt: status === 'pending' ? T1 : null });

describe('deliveryStatus: the cursor rule of docs/delivery.md', () => {
  it('held when a deprovisioning hold took the event out of delivery, although the cursor passed it', () => {
    const s = deliveryStatus(facts({ heldBy: { holdId: 'h1', status: 'held' } }));
    assert.equal(s.status, 'held');
    assert.deepEqual(s.heldBy, { holdId: 'h1', status: 'held' });
    assert.equal(s.deliveredBy, null);
    assert.equal(deliveryStatus(facts({ heldBy: { holdId: 'h1', status: 'discarded' } })).status, 'held');
    assert.equal(deliveryStatus(facts({ heldBy: null })).status, 'delivered');
  });
  it('delivered when the cursor passed the event and no row says otherwise', () => {
    const s = deliveryStatus(facts({}));
    assert.equal(s.status, 'delivered');
    assert.equal(s.deliveredBy, T1.toISOString());
    assert.equal(s.attempts, 0);
  });
  it('pending when the cursor is before it, or it has no sequence yet, or there is no cursor', () => {
    assert.equal(deliveryStatus(facts({ cursor: { lastSeq: 6, updatedAt: T1 } })).status, 'pending');
    assert.equal(deliveryStatus(facts({ event: { seq: null, occurredAt: T0 } })).status, 'pending');
    assert.equal(deliveryStatus(facts({ cursor: null })).status, 'pending');
  });
  it('a deliveries row wins over the cursor: dead, retrying, delivered by a retry', () => {
    const dead = deliveryStatus(facts({ row: row('dead') }));
    assert.deepEqual([dead.status, dead.attempts, dead.lastError], ['dead', 3, 'HTTP 5xx']);
    const retry = deliveryStatus(facts({ cursor: { lastSeq: 6, updatedAt: T1 }, row: row('pending') }));
    assert.deepEqual([retry.status, retry.nextAttemptAt], ['retrying', T1.toISOString()]);
    const replayed = deliveryStatus(facts({ row: row('delivered') }));
    assert.deepEqual([replayed.status, replayed.deliveredAt], ['delivered', T1.toISOString()]);
  });
  it('an event older than the sink is not for it; a disabled sink gets nothing new', () => {
    assert.equal(deliveryStatus(facts({ sink: { enabled: true, deliverFrom: T1 } })).status, 'not_applicable');
    assert.equal(deliveryStatus(facts({ sink: { enabled: false, deliverFrom: T0 }, cursor: { lastSeq: 1, updatedAt: T1 } })).status, 'sink_disabled');
    assert.equal(deliveryStatus(facts({ sink: { enabled: false, deliverFrom: T0 } })).status, 'delivered', 'delivered before it was disabled');
  });
});
