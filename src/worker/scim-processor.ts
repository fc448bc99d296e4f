import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { ScimWriteJob } from '../queue/job-payloads';
import type { CommittedEvent } from '../events/event-types';
import { QUEUE_NAMES } from '../queue/queue-names';
import { encodeReply } from '../queue/scim-reply';
import { applyScimWrite } from '../provisioning/apply-scim-write';
import { UserCreateBatcher } from '../store/user-create-batch';

export interface ScimWorkerDeps {
  db: Db;
  connection: ConnectionOptions;
  /** Connection used to PUBLISH replies. */
  publisher: Redis;
  prefix: string;
  concurrency: number;
  /** BullMQ lockDuration and stalledInterval (ms); default BullMQ's 30 s. */
  lockMs?: number;
  log: Logger;
  /** Called after a write committed events: marks the directory for the outbox drainer (in memory, no I/O). */
  onEventsCommitted?: (events: readonly CommittedEvent[]) => Promise<void>;
}

/** Runs SCIM write jobs: apply once, publish the result to the waiting receiver. */
export function startScimWorker(deps: ScimWorkerDeps): Worker<ScimWriteJob> {
  // Creates running at the same time commit together (Okta's import is mostly creates).
  const creates = new UserCreateBatcher(deps.db);
  const commitCreate = creates.create.bind(creates);
  const worker = new Worker<ScimWriteJob>(
    QUEUE_NAMES.scim,
    async (job: Job<ScimWriteJob>) => {
      const data = job.data;
      const started = performance.now();
      const applied = await applyScimWrite(deps.db, data, job.attemptsMade + 1, { commitCreate });
      const appliedAt = performance.now();
      await deps.publisher.publish(data.replyTo, encodeReply({ operationId: data.operationId, result: applied.result }));
      const repliedAt = performance.now();
      if (applied.events.length && deps.onEventsCommitted) {
        // The drainer's poll finds anything this hint misses (G5): a failure must never fail the write.
        await deps.onEventsCommitted(applied.events).catch((err: unknown) => deps.log.warn({ err, operationId: data.operationId }, 'delivery hint failed; the drainer poll will find the events'));
      }
      const ms = (t: number) => Math.round(t * 10) / 10;
      deps.log.info(
        {
          operationId: data.operationId,
          requestId: data.requestId,
          directoryId: data.directoryId,
          job: job.name,
          status: applied.result.status,
          replayed: applied.replayed,
          events: applied.events.length,
          // Where a job's time goes: waiting in the queue, the transaction, the reply, enqueueing its deliveries.
          waitMs: Math.max(0, Date.now() - data.receivedAt - Math.round(performance.now() - started)),
          applyMs: ms(appliedAt - started),
          replyMs: ms(repliedAt - appliedAt),
          enqueueMs: ms(performance.now() - repliedAt),
        },
        'scim write applied',
      );
      return { status: applied.result.status, replayed: applied.replayed };
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency, autorun: true, lockDuration: deps.lockMs ?? 30_000, stalledInterval: deps.lockMs ?? 30_000 },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    deps.log.error({ operationId: job.data.operationId, requestId: job.data.requestId, directoryId: job.data.directoryId, job: job.name, attempt: job.attemptsMade, final, err: { message: err.message, name: err.name } }, 'scim write failed');
    if (final) {
      // No result to give: the receiver answers 503 and Okta's retry re-runs the operation.
      void deps.publisher.publish(job.data.replyTo, encodeReply({ operationId: job.data.operationId, result: { status: 503 } })).catch(() => undefined);
    }
  });
  worker.on('error', (err) => deps.log.error({ err: { message: err.message } }, 'scim worker error'));
  return worker;
}
