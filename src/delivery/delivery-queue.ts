import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAMES } from '../queue/queue-names';
import type { DeliveryKey } from '../store/delivery-store';

/** Payload of `event.deliver`: one event to one sink. */
export type DeliveryJob = DeliveryKey;

export const DELIVER_JOB = 'event.deliver';

/** One job id per (event, sink): a duplicate enqueue (sweeper, replay race) is ignored while the job exists. */
export const deliveryJobId = (k: Pick<DeliveryKey, 'eventId' | 'sinkId'>): string => `dlv-${k.eventId}-${k.sinkId}`;

export function createDeliveryQueue(connection: ConnectionOptions, prefix: string): Queue<DeliveryJob> {
  return new Queue<DeliveryJob>(QUEUE_NAMES.delivery, { connection, prefix });
}

/**
 * Enqueues deliveries. Finished jobs are removed: PostgreSQL (deliveries, dead_letters)
 * keeps the record, and a removed id can be enqueued again by the sweeper or a replay.
 */
export async function enqueueDeliveries(queue: Queue<DeliveryJob>, keys: DeliveryKey[], maxAttempts: number): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    await queue.addBulk(
      keys.slice(i, i + 500).map((k) => ({
        name: DELIVER_JOB,
        data: k,
        opts: { jobId: deliveryJobId(k), attempts: maxAttempts, backoff: { type: 'delivery' }, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
}
