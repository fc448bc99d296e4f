import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../queue/queue-names';

/**
 * The BullMQ queues that still carry jobs: SCIM writes and drift reconciliation.
 * Delivery has no queue any more: the outbox drainer reads PostgreSQL directly
 * (docs/delivery.md), and its lag shows as `dirsync_delivery_lag_seconds`.
 */
export const OPS_QUEUE_NAMES = [QUEUE_NAMES.scim, QUEUE_NAMES.reconcile] as const;

/**
 * Read-side handles on every queue of the system (Bull Board and queue
 * metrics), on one connection of the web process. They never add jobs.
 */
export function createOpsQueues(connection: Redis, prefix: string): Queue[] {
  return OPS_QUEUE_NAMES.map((name) => new Queue(name, { connection, prefix }));
}
