import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { isBatchJob, writesOf, type ScimJobData, type ScimWriteJob } from '../queue/job-payloads';
import type { CommittedEvent } from '../events/event-types';
import { QUEUE_NAMES } from '../queue/queue-names';
import { ReplyPublisher } from '../queue/reply-publisher';
import { OperationStore } from '../store/operation-store';
import { applyScimWrite } from '../provisioning/apply-scim-write';
import { UserCreateBatcher } from '../store/user-create-batch';
import { Semaphore } from '../common/semaphore';

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

/**
 * Runs SCIM write jobs: apply each write once, publish its result to the waiting receiver.
 *
 * A job carries one write or a batch of writes (queue/scim-enqueuer.ts). The writes of a
 * batch run side by side, each in its own statement or transaction, exactly as if they had
 * come in separate jobs: the creates among them commit together through the group-commit
 * batcher, and one write's failure cannot undo another's effect. Each reply is published
 * as soon as its write has committed. If any write failed with a transient error, the job
 * fails and BullMQ retries it: writes already applied find their operation record and
 * return the recorded result (G2), so only the failed ones run again.
 */
export function startScimWorker(deps: ScimWorkerDeps): Worker<ScimJobData> {
  // Creates running at the same time commit together (Okta's import is mostly creates).
  const creates = new UserCreateBatcher(deps.db);
  const commitCreate = creates.create.bind(creates);
  // Replies ready together (a batch's creates) leave in one PUBLISH.
  const replies = new ReplyPublisher(deps.publisher);

  // Writes other than user creates hold a statement or transaction each: at most `concurrency` of them run
  // at once across all jobs, as when every write was its own job. User creates are not limited: they wait
  // in the group-commit batcher, whose statements are limited there.
  const applying = new Semaphore(deps.concurrency);
  const apply = (data: ScimWriteJob, attempt: number) =>
    data.method === 'POST' && data.resourceType === 'User'
      ? applyScimWrite(deps.db, data, attempt, { commitCreate })
      : applying.run(() => applyScimWrite(deps.db, data, attempt, { commitCreate }));

  const runWrite = async (data: ScimWriteJob, job: Job<ScimJobData>): Promise<{ status: number; replayed: boolean }> => {
    const started = performance.now();
    const applied = await apply(data, job.attemptsMade + 1);
    const appliedAt = performance.now();
    await replies.publish(data.replyTo, { operationId: data.operationId, result: applied.result });
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
        jobId: job.id,
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
  };

  const worker = new Worker<ScimJobData>(
    QUEUE_NAMES.scim,
    async (job: Job<ScimJobData>) => {
      const writes = writesOf(job.data);
      const outcomes = await Promise.allSettled(writes.map((data) => runWrite(data, job)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      // Retried as a whole: the writes that committed answer from their operation records next time.
      if (failed) throw failed.reason;
      const results = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
      // Bull Board shows the return value: a write's status, or each write's in a batch.
      return isBatchJob(job.data) ? { results } : results[0];
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency, autorun: true, lockDuration: deps.lockMs ?? 30_000, stalledInterval: deps.lockMs ?? 30_000 },
  );
  const operations = new OperationStore(deps.db);
  const unanswered = async (writes: ScimWriteJob[]): Promise<ScimWriteJob[]> => {
    if (writes.length === 1) return writes;
    const recorded = await operations.recordedAmong(writes.map((w) => w.operationId));
    return writes.filter((w) => !recorded.has(w.operationId));
  };
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    const writes = writesOf(job.data);
    deps.log.error({ operationIds: writes.map((w) => w.operationId), jobId: job.id, directoryIds: [...new Set(writes.map((w) => w.directoryId))], job: job.name, attempt: job.attemptsMade, final, err: { message: err.message, name: err.name } }, 'scim write failed');
    if (final) {
      // No result to give: the receivers answer 503 and Okta's retry re-runs the operation. Writes of a
      // batch that have their operation record were answered when they committed and keep that answer.
      void unanswered(writes)
        .then((open) => Promise.all(open.map((w) => replies.publish(w.replyTo, { operationId: w.operationId, result: { status: 503 } }))))
        .catch((e: unknown) => deps.log.warn({ err: { message: e instanceof Error ? e.message : String(e) }, jobId: job.id }, 'could not answer a failed scim job; its receivers answer 503 when they time out'));
    }
  });
  worker.on('error', (err) => deps.log.error({ err: { message: err.message } }, 'scim worker error'));
  return worker;
}
