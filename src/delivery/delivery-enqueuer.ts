import type { Queue } from 'bullmq';
import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { SinkStore } from '../store/sink-store';
import type { DeliveryKey } from '../store/delivery-store';
import { enqueueDeliveries, type DeliveryJob } from './delivery-queue';

/**
 * The scim worker's `onEventsCommitted` hook: one delivery job per event and enabled
 * sink. Best effort by design: if this fails (Redis down, crash right after commit)
 * the outbox sweeper finds the undelivered events in PostgreSQL and enqueues them.
 */
export function createDeliveryEnqueuer(db: Db, queue: Queue<DeliveryJob>, maxAttempts: number): (events: StoredEvent[]) => Promise<void> {
  const sinks = new SinkStore(db);
  return async (events) => {
    const keys: DeliveryKey[] = [];
    const sinksByOrg = new Map<string, string[]>();
    for (const event of events) {
      let ids = sinksByOrg.get(event.organizationId);
      if (!ids) {
        ids = await sinks.enabledSinkIds(event.organizationId);
        sinksByOrg.set(event.organizationId, ids);
      }
      for (const sinkId of ids) keys.push({ eventId: event.id, sinkId, organizationId: event.organizationId });
    }
    await enqueueDeliveries(queue, keys, maxAttempts);
  };
}
