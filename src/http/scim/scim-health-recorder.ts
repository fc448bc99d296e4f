import type { Logger } from 'pino';
import type { RejectionRecord, RequestCountDelta, ScimHealthStore } from '../../store/scim-health-store';

export interface HealthRecorderOptions {
  /** How often the buffers are written (ms): one multi-row INSERT and one multi-row upsert per flush. */
  flushIntervalMs: number;
  /** Rejections kept per directory per flush; more are only counted (a client in a 4xx loop cannot flood the table). */
  maxPerDirectoryPerFlush?: number;
  /** Rejections buffered in all, across directories (memory bound while PostgreSQL is away). */
  maxBuffered?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Directory health, written off the request path (issue 13, requirement 2): each
 * SCIM request of an authenticated directory is counted in memory, each rejected one
 * (4xx) is buffered, and a timer writes both in one batch per interval. A request
 * costs no round trip. On shutdown the last batch is flushed (src/main/web-runtime.ts
 * closers). If PostgreSQL is unreachable the batch is kept for the next flush,
 * within the buffer bound; what does not fit is dropped and logged, never blocking
 * a request.
 */
export class ScimHealthRecorder {
  private rejections: RejectionRecord[] = [];
  private perDirectory = new Map<string, number>();
  private counts = new Map<string, RequestCountDelta>();
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly maxPerDirectory: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly store: Pick<ScimHealthStore, 'insertRejections' | 'addRequestCounts'>,
    private readonly options: HealthRecorderOptions,
    private readonly log: Logger,
  ) {
    this.maxPerDirectory = options.maxPerDirectoryPerFlush ?? 200;
    this.maxBuffered = options.maxBuffered ?? 20_000;
  }

  /** One finished SCIM request of `directoryId`; `rejection` when it was answered 4xx (not 401). */
  request(directoryId: string, at: Date, rejection?: Omit<RejectionRecord, 'directoryId' | 'at'>): void {
    // On every SCIM request: a Date for the hour bucket only when the bucket is new.
    const hourMs = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${directoryId}|${hourMs}`;
    let delta = this.counts.get(key);
    if (!delta) {
      delta = { directoryId, hour: new Date(hourMs), total: 0, rejected: 0 };
      this.counts.set(key, delta);
    }
    delta.total++;
    if (!rejection) return;
    delta.rejected++;
    const kept = this.perDirectory.get(directoryId) ?? 0;
    if (kept >= this.maxPerDirectory || this.rejections.length >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    this.perDirectory.set(directoryId, kept + 1);
    this.rejections.push({ directoryId, at, ...rejection });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes what is buffered. Concurrent calls share one write; never throws. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and writes the last batch (a flush already running finishes first). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (!this.rejections.length && !this.counts.size) return;
    const rejections = this.rejections;
    const counts = [...this.counts.values()];
    const dropped = this.dropped;
    this.rejections = [];
    this.perDirectory = new Map();
    this.counts = new Map();
    this.dropped = 0;
    if (dropped) this.log.info({ dropped }, 'directory health: rejections over the per-flush bound were counted, not recorded');
    try {
      if (rejections.length) await this.store.insertRejections(rejections);
    } catch (err) {
      this.requeue(rejections, []);
      this.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'directory health: rejections not written; retrying with the next flush');
    }
    try {
      await this.store.addRequestCounts(counts);
    } catch (err) {
      this.requeue([], counts);
      this.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'directory health: request counts not written; retrying with the next flush');
    }
  }

  /** Puts a failed batch back in front of what arrived meanwhile, within the buffer bound. */
  private requeue(rejections: RejectionRecord[], counts: RequestCountDelta[]): void {
    const room = Math.max(0, this.maxBuffered - this.rejections.length);
    this.rejections = [...rejections.slice(0, room), ...this.rejections];
    for (const c of counts) {
      const key = `${c.directoryId}|${c.hour.getTime()}`;
      const now = this.counts.get(key);
      if (now) {
        now.total += c.total;
        now.rejected += c.rejected;
      } else this.counts.set(key, { ...c });
    }
  }
}
