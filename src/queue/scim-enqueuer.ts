import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { SCIM_BATCH_JOB_NAME, scimJobName, type ScimJobData, type ScimWriteJob } from './job-payloads';

export interface EnqueuerOptions {
  /** Most writes in one job. */
  maxBatch: number;
  /** Most request-body bytes in one job (default 1 MiB): a large PATCH travels alone rather than swelling a batch. */
  maxBatchBytes?: number;
  /** Adds to Redis in flight at once; writes arriving meanwhile wait and go together in the next job. */
  maxInFlight: number;
}

interface Pending {
  job: ScimWriteJob;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The one method of the queue the enqueuer uses (a test can count the jobs it gets). */
export type JobAdder = Pick<Queue<ScimJobData>, 'add'>;

/**
 * Puts the web process's SCIM writes into BullMQ, several to a job when they arrive
 * together. A job costs Redis and the worker the same work whether it carries one
 * write or thirty (add, fetch, lock, finish and their event-stream entries), so under
 * load that work is paid once per batch instead of once per write.
 *
 * No timer and no added wait: writes parsed in the same turn of the event loop go
 * together (flushed by `setImmediate`), and while `maxInFlight` adds are on their way
 * to Redis, new writes collect and leave together as soon as one returns. An idle
 * process therefore sends each write at once, alone; a busy one sends bigger batches.
 *
 * A write enqueued alone keeps job id = operation id (a retried request after a 503
 * finds its own job by that id). A batch gets its own id; the operation id inside
 * each write stays the idempotency key (G2), so a batch retried or redelivered applies
 * each write at most once. The promise of each write resolves only once its job is in
 * Redis, so an acknowledged enqueue is never lost by the batching.
 */
export class ScimEnqueuer {
  private pending: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Jobs and writes sent so far (for /metrics and the bench: the mean batch size). */
  jobsSent = 0;
  writesSent = 0;

  constructor(
    private readonly queue: JobAdder,
    private readonly options: EnqueuerOptions,
  ) {}

  /**
   * Resolves when the write is in Redis; rejects when the add failed (the caller answers 503).
   * `bytes`: the size of the request body, so one job never carries more than `maxBatchBytes`.
   */
  enqueue(job: ScimWriteJob, bytes = 0): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ job, bytes, resolve, reject });
      this.schedule();
    });
  }

  /** Enqueues one write as its own job (id = operation id), bypassing batching: a retried request re-joins its job. */
  async enqueueAlone(job: ScimWriteJob): Promise<void> {
    await this.send([job]);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.pending.splice(0, this.batchLength());
      this.inFlight++;
      this.send(batch.map((p) => p.job)).then(
        () => batch.forEach((p) => p.resolve()),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      ).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** How many pending writes the next job takes: up to maxBatch, and up to maxBatchBytes of bodies (always at least one). */
  private batchLength(): number {
    const maxBytes = this.options.maxBatchBytes ?? 1024 * 1024;
    let bytes = 0;
    let n = 0;
    for (const p of this.pending) {
      if (n >= this.options.maxBatch || (n > 0 && bytes + p.bytes > maxBytes)) break;
      bytes += p.bytes;
      n++;
    }
    return n;
  }

  private async send(writes: ScimWriteJob[]): Promise<void> {
    this.jobsSent++;
    this.writesSent += writes.length;
    const [only] = writes;
    if (writes.length === 1 && only) {
      await this.queue.add(scimJobName(only), only, { jobId: only.operationId });
      return;
    }
    await this.queue.add(SCIM_BATCH_JOB_NAME, { writes }, { jobId: randomUUID() });
  }
}
