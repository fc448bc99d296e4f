import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { ScimJobData } from './job-payloads';
import { QUEUE_NAMES } from './queue-names';

/**
 * Defaults for SCIM write jobs. Retries are for transient failures only (SCIM
 * errors are results, not failures). Completed jobs are kept an hour so a
 * redelivered id is recognised by BullMQ too; the operations table is the
 * lasting idempotency record.
 */
export const SCIM_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 100 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createScimQueue(connection: ConnectionOptions, prefix: string): Queue<ScimJobData> {
  return new Queue<ScimJobData>(QUEUE_NAMES.scim, { connection, prefix, defaultJobOptions: SCIM_JOB_OPTIONS });
}
