import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { QUEUE_NAMES } from '../queue/queue-names';
import type { DeliveryJob } from '../delivery/delivery-queue';
import { deliverEvent, type DeliverySettings } from '../delivery/deliver-event';
import { DeliveryRetry, DeliveryThrottled } from '../delivery/delivery-errors';

export interface DeliveryWorkerDeps {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  /** BullMQ lockDuration and stalledInterval (ms); default BullMQ's 30 s. */
  lockMs?: number;
  settings: DeliverySettings;
  log: Logger;
}

/**
 * Runs `event.deliver` jobs. Retries use the delay deliverEvent recorded in
 * PostgreSQL (backoff with jitter, or Retry-After); a dead letter ends the job
 * with UnrecoverableError so BullMQ does not retry it.
 */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): Worker<DeliveryJob> {
  const worker = new Worker<DeliveryJob>(
    QUEUE_NAMES.delivery,
    async (job: Job<DeliveryJob>, token?: string) => {
      let outcome;
      try {
        outcome = await deliverEvent(deps.db, job.data, deps.settings);
      } catch (err) {
        if (!(err instanceof DeliveryThrottled)) throw err;
        // Honour Retry-After without spending one of the job's attempts (BullMQ's DelayedError pattern).
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
      if (outcome === 'dead') {
        deps.log.warn({ eventId: job.data.eventId, sinkId: job.data.sinkId }, 'delivery dead-lettered');
        throw new UnrecoverableError('dead-lettered');
      }
      return outcome;
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      lockDuration: deps.lockMs ?? 30_000,
      stalledInterval: deps.lockMs ?? 30_000,
      settings: {
        backoffStrategy: (_attemptsMade: number, _type?: string, err?: Error) => (err instanceof DeliveryRetry ? err.delayMs : deps.settings.backoffBaseMs),
      },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job || err instanceof UnrecoverableError) return;
    deps.log.info({ eventId: job.data.eventId, sinkId: job.data.sinkId, attempt: job.attemptsMade, err: { message: err.message } }, 'delivery attempt failed');
  });
  worker.on('error', (err) => deps.log.error({ err: { message: err.message } }, 'delivery worker error'));
  return worker;
}
