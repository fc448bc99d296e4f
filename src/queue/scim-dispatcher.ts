import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ScimError } from '../scim/scim-error';
import type { ScimJobData, ScimWriteJob } from './job-payloads';
import type { ScimResult } from '../scim/write-outcome';
import { ScimEnqueuer, type EnqueuerOptions } from './scim-enqueuer';
import type { OperationStore } from '../store/operation-store';
import { decodeReplies } from './scim-reply';

/** Thrown when no result came in time: the receiver answers 503 with Retry-After. */
export class ReplyTimeoutError extends ScimError {
  constructor(readonly retryAfterSeconds: number) {
    super(503, 'The operation is queued but not yet applied; retry the identical request to get its outcome.');
  }
}

/** What the dispatcher needs of the in-memory replay-marker index (replay-marker-index.ts). */
export interface ReplayMarkerHints {
  /** False only when no marker can exist for this request: the PostgreSQL lookup is skipped. */
  mightHave(directoryId: string, fingerprint: string): boolean;
  add(directoryId: string, fingerprint: string): void;
}

export interface DispatcherOptions {
  replyTimeoutMs: number;
  retryAfterSeconds: number;
  /** The shared reply channel (one per deployment; every web process listens on one subscription). */
  replyChannel: string;
  /** How writes are batched into jobs (scim-enqueuer.ts); default: up to 32 per job, one add in flight. */
  enqueue?: EnqueuerOptions;
}

type Waiter = (result: ScimResult) => void;

export type ScimSubmission = Omit<ScimWriteJob, 'operationId' | 'replyTo'>;

/**
 * The web side of the request/reply path (docs/architecture.md, "The write path"):
 * enqueue the write (writes arriving together share a job: scim-enqueuer.ts) and wait
 * for the worker's result through ONE subscription per process, keyed by operation id.
 *
 * Okta retries a request that got 503. Such a request is remembered by its
 * fingerprint (a replay marker in PostgreSQL, so it survives a Redis flush) and
 * the retry is mapped back to the same operation: it gets the recorded result
 * if the job has been applied meanwhile, or waits for the same job otherwise.
 * Markers are looked up only when the in-memory index says one may exist, so a
 * write that never met a 503 costs no query (replay-marker-index.ts).
 */
export class ScimDispatcher {
  private readonly waiters = new Map<string, Waiter>();
  private started = false;
  readonly enqueuer: ScimEnqueuer;

  constructor(
    private readonly queue: Queue<ScimJobData>,
    private readonly subscriber: Redis,
    private readonly operations: OperationStore,
    private readonly options: DispatcherOptions,
    private readonly log: Logger,
    /** Absent: every write looks for a replay marker in PostgreSQL (the safe default). */
    private readonly markers?: ReplayMarkerHints,
  ) {
    this.enqueuer = new ScimEnqueuer(queue, options.enqueue ?? { maxBatch: 32, maxInFlight: 1 });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.options.replyChannel) return;
      for (const reply of decodeReplies(message, (id) => this.waiters.has(id))) this.waiters.get(reply.operationId)?.(reply.result);
    });
    await this.subscriber.subscribe(this.options.replyChannel);
  }

  /** Requests waiting for a worker's result right now (a gauge for /metrics). */
  get inFlight(): number {
    return this.waiters.size;
  }

  /** `bodyBytes`: the request body's size, which keeps large writes out of batches (scim-enqueuer.ts). */
  async submit(submission: ScimSubmission, fingerprint: string, bodyBytes = 0): Promise<ScimResult> {
    // Happy path: no marker can exist (the index is complete and does not hold this fingerprint), no query.
    const replayOf = this.markers?.mightHave(submission.directoryId, fingerprint) === false ? undefined : await this.operations.findReplayMarker(submission.directoryId, fingerprint);
    const operationId = replayOf ?? randomUUID();
    const pending = this.waitFor(operationId);
    try {
      if (replayOf) {
        const recorded = await this.operations.findResult(replayOf);
        if (recorded) {
          this.log.info({ operationId, directoryId: submission.directoryId }, 'replayed recorded result for retried request');
          await this.operations.deleteReplayMarker(submission.directoryId, fingerprint);
          return recorded;
        }
        await this.discardFailedJob(operationId);
      }
      const data: ScimWriteJob = { ...submission, operationId, replyTo: this.options.replyChannel };
      // A retried request goes alone under its operation id, so it joins its own job if that is still queued.
      await (replayOf ? this.enqueuer.enqueueAlone(data) : this.enqueuer.enqueue(data, bodyBytes));
    } catch (error) {
      pending.cancel();
      if (error instanceof ScimError) throw error;
      this.log.error({ err: error, operationId }, 'enqueue failed');
      throw new ReplyTimeoutError(this.options.retryAfterSeconds);
    }
    const result = await pending.promise;
    if (result) {
      if (replayOf) await this.operations.deleteReplayMarker(submission.directoryId, fingerprint);
      return result;
    }
    await this.operations.saveReplayMarker(submission.directoryId, fingerprint, operationId);
    this.markers?.add(submission.directoryId, fingerprint);
    this.log.warn({ operationId, directoryId: submission.directoryId }, 'no result in time; answered 503');
    throw new ReplyTimeoutError(this.options.retryAfterSeconds);
  }

  /** Resolves waiters with `undefined` so shutdown does not hang on them. */
  cancelAll(): void {
    for (const waiter of this.waiters.values()) waiter({ status: 503 });
  }

  private waitFor(operationId: string): { promise: Promise<ScimResult | undefined>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const cancel = () => {
      if (timer) clearTimeout(timer);
      this.waiters.delete(operationId);
    };
    const promise = new Promise<ScimResult | undefined>((resolve) => {
      timer = setTimeout(() => {
        cancel();
        resolve(undefined);
      }, this.options.replyTimeoutMs);
      this.waiters.set(operationId, (result) => {
        cancel();
        resolve(result.status === 503 && result.body === undefined ? undefined : result);
      });
    });
    return { promise, cancel };
  }

  /** A job that failed for good keeps its id in Redis; remove it so the retry can run again. */
  private async discardFailedJob(operationId: string): Promise<void> {
    const job = await this.queue.getJob(operationId);
    if (job && (await job.isFailed())) await job.remove();
  }
}

export { randomUUID as newOperationId };
