import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../queue/queue-names';

/**
 * Read-side handles on every queue of the system (Bull Board and queue
 * metrics), on one connection of the web process. They never add jobs.
 */
export function createOpsQueues(connection: Redis, prefix: string): Queue[] {
  return Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection, prefix }));
}
