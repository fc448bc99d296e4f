import type { Db } from '../store/db';
import { DeliveryStore } from '../store/delivery-store';
import { SinkStore } from '../store/sink-store';
import type { StoredEvent } from '../events/event-types';
import type { CursorKey } from '../store/delivery-cursor-store';
import { deliverEvent, type DeliverySettings } from './deliver-event';
import { DeliveryRetry, DeliveryThrottled } from './delivery-errors';

/** What became of a sink's head-of-line event: the cursor may pass it, it waits until `retryAt`, or the drain stops. */
export type HeadOutcome = { kind: 'passed' } | { kind: 'wait'; retryAt: number } | { kind: 'stop' };

/**
 * Retries the event right after a cursor whose last attempt failed (a pending
 * `deliveries` row holds its attempts and next attempt time). The per-event path
 * (deliver-event.ts) does the attempt, so attempts, Retry-After and dead letters
 * behave exactly as before; the cursor passes the event once it is delivered or
 * dead-lettered, never before.
 */
export async function retryHead(db: Db, key: CursorKey, head: StoredEvent, settings: DeliverySettings): Promise<HeadOutcome> {
  const row = await new DeliveryStore(db).attemptState(head.id, key.sinkId);
  if (row?.status === 'pending' && row.next_attempt_at && row.next_attempt_at.getTime() > Date.now()) return { kind: 'wait', retryAt: row.next_attempt_at.getTime() };
  try {
    const outcome = await deliverEvent(db, { eventId: head.id, sinkId: key.sinkId, organizationId: key.organizationId }, settings);
    if (outcome === 'skipped') {
      // A dead row is passed; a sink disabled meanwhile keeps its cursor where it is.
      if (!(await new SinkStore(db).isEnabled(key.sinkId))) return { kind: 'stop' };
    }
    return { kind: 'passed' };
  } catch (err) {
    if (err instanceof DeliveryRetry || err instanceof DeliveryThrottled) return { kind: 'wait', retryAt: Date.now() + err.delayMs };
    throw err;
  }
}
