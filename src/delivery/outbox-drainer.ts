import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { DeliveryCursorStore, cursorId, type CursorKey } from '../store/delivery-cursor-store';
import { SinkStore, type SinkWithSecret } from '../store/sink-store';
import { deliverEvent, type DeliverySettings } from './deliver-event';
import { DeliveryRetry, DeliveryThrottled } from './delivery-errors';
import { sequenceDirectories, type SequenceResult } from './outbox-sequencer';
import type { BreakerDefaults } from './circuit-breaker';
import { drainAppModels, type AppModelCursor, type DrainResult } from './drain-app-model';
import { drainWebhook } from './drain-webhook';

export interface OutboxDrainerOptions {
  settings: DeliverySettings;
  /** Backstop poll interval (ms): finds work of other processes, the web process, and after restarts. */
  pollMs: number;
  /** How long a directory marked dirty waits before its drain, so commits coalesce into batches (ms). */
  coalesceMs?: number;
  /** Events per app-model transaction. */
  batchSize?: number;
  /** Events per webhook batch (posted one by one, in order). */
  webhookBatchSize?: number;
  /** Drains (sequencer, app model, webhook) running at once in this process. */
  concurrency: number;
  log: Logger;
  /** Global circuit-breaker thresholds (BREAKER_*); the built-in defaults when absent. */
  breaker?: BreakerDefaults;
}

/** Totals since start, for tests and the benchmark notes. */
export interface DrainerCounters {
  sequenced: number;
  delivered: number;
  batches: number;
  statements: number;
  /** Time spent in sequencer and in sink drains (ms, summed over concurrent runs). */
  sequenceMs: number;
  drainMs: number;
  sequenceRuns: number;
}

const SINK_CACHE_MS = 2000;
/** Directories handled by one round (one sequencer and one app-model transaction). */
const MAX_DIRS_PER_CYCLE = 200;
/** How soon to look again at a directory whose lock or cursor another process held. */
const BUSY_RETRY_MS = 50;
/** A replay attempt claimed by one process is left alone by the others this long (longer than any webhook timeout). */
const REPLAY_CLAIM_MS = 90_000;
const FAST_POLL_MS = 100;

/**
 * The outbox drainer of a worker process (docs/delivery.md). Nothing per event
 * reaches PostgreSQL or Redis from the write path: `onEventsCommitted` only marks
 * the directory dirty in memory; a timer `coalesceMs` later sequences the
 * directory's committed events (outbox-sequencer.ts) and drains each enabled
 * sink's cursor in batches. A poll every `pollMs` finds what this process was not
 * told about (other processes, the web process's directory events, work left over
 * by a restart): PostgreSQL is the only source of truth, Redis is not used.
 *
 * Memory is bounded by directories × sinks: a set of dirty directory ids, one
 * running flag and one retry timer per (sink, directory).
 */
export class OutboxDrainer {
  readonly counters: DrainerCounters = { sequenced: 0, delivered: 0, batches: 0, statements: 0, sequenceMs: 0, drainMs: 0, sequenceRuns: 0 };
  private readonly owner = randomUUID();
  private readonly cursors: DeliveryCursorStore;
  private readonly sinkStore: SinkStore;
  private readonly dirty = new Map<string, string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new Map<string, number>();
  private readonly sinkCache = new Map<string, { at: number; sinks: Promise<SinkWithSecret[]> }>();
  private readonly ensured = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly waiters: (() => void)[] = [];
  private slotsFree: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly statsTimer: NodeJS.Timeout;
  private polling: Promise<boolean> | undefined;
  private stopped = false;
  private readonly coalesceMs: number;
  private readonly batchSize: number;
  private readonly webhookBatchSize: number;

  constructor(
    private readonly db: Db,
    private readonly opts: OutboxDrainerOptions,
  ) {
    this.cursors = new DeliveryCursorStore(db);
    this.sinkStore = new SinkStore(db);
    this.slotsFree = Math.max(1, opts.concurrency);
    this.coalesceMs = opts.coalesceMs ?? 20;
    this.batchSize = opts.batchSize ?? 500;
    this.webhookBatchSize = opts.webhookBatchSize ?? 100;
    this.schedulePoll(opts.pollMs);
    // What delivery costs, for operators and docs/benchmarks.md: statements per delivered event.
    let reported = 0;
    this.statsTimer = setInterval(() => {
      if (this.counters.delivered === reported) return;
      reported = this.counters.delivered;
      const c = this.counters;
      opts.log.info({ ...c, statementsPerEvent: c.delivered ? Math.round((c.statements / c.delivered) * 1000) / 1000 : null }, 'outbox drain totals');
    }, 10_000);
    this.statsTimer.unref();
  }

  /** The scim worker's hook: no I/O, only marks the directories dirty. */
  readonly onEventsCommitted = (events: readonly Pick<StoredEvent, 'directoryId' | 'organizationId'>[]): Promise<void> => {
    for (const e of events) this.markDirty(e.directoryId, e.organizationId);
    return Promise.resolve();
  };

  markDirty(directoryId: string, organizationId: string, delayMs = this.coalesceMs): void {
    if (this.stopped) return;
    if (delayMs > this.coalesceMs) {
      // A later look at one directory: its own timer, so other directories keep their pace.
      const key = `later:${directoryId}`;
      if (!this.retryTimers.has(key)) this.setRetryTimer(key, delayMs, () => this.markDirty(directoryId, organizationId));
      return;
    }
    this.dirty.set(directoryId, organizationId);
    this.scheduleFlush(delayMs);
  }

  /** One backstop pass now (also what tests call instead of waiting for the timer). */
  pollNow(): Promise<boolean> {
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.statsTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.retryTimers.clear();
    await this.polling?.catch(() => undefined);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The poll runs every `pollMs`, and every 100 ms while it keeps finding work:
   * events committed by other processes (which cannot call onEventsCommitted here)
   * are then picked up within ~100 ms during a sustained import, and the quiet
   * cost stays one query per `pollMs`.
   */
  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      void this.pollNow()
        .catch(() => undefined)
        .then((found) => this.schedulePoll(found ? Math.min(this.opts.pollMs, FAST_POLL_MS) : this.opts.pollMs));
    }, delayMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<boolean> {
    if (this.stopped) return false;
    try {
      await this.sinkStore.ensureBuiltIn();
      const work = await this.cursors.directoriesWithWork(10_000);
      for (const w of work) this.dirty.set(w.directoryId, w.organizationId);
      if (this.dirty.size) this.scheduleFlush(0);
      const replays = await this.cursors.claimDueReplays(100, REPLAY_CLAIM_MS);
      this.counters.statements += 3;
      // One replay pass at a time: a second pass over the same rows would post them twice.
      if (replays.length && !this.running.has('replays')) {
        this.running.add('replays');
        this.track(this.runReplays(replays).finally(() => this.running.delete('replays')));
      }
      return work.length > 0;
    } catch (err) {
      this.opts.log.warn({ err: { message: errorMessage(err) } }, 'outbox poll failed; the next poll retries');
      return false;
    }
  }

  private scheduleFlush(delayMs: number): void {
    if (this.stopped || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, delayMs);
  }

  private flush(): void {
    this.runExclusive('cycle', () => this.cycle());
  }

  /** Runs `task` unless one with the same key runs; then it runs again once that one ends. */
  private runExclusive(key: string, task: () => Promise<void>): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.running.add(key);
    this.track(
      task()
        .catch((err: unknown) => this.opts.log.warn({ err: { message: errorMessage(err) }, key }, 'outbox drain failed; retrying'))
        .finally(() => {
          this.running.delete(key);
          if (this.again.delete(key)) this.runExclusive(key, task);
        }),
    );
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.slotsFree > 0) this.slotsFree--;
    else await new Promise<void>((r) => this.waiters.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.slotsFree++;
    }
  }

  /**
   * One round over the dirty directories (up to MAX_DIRS_PER_CYCLE): ONE sequencer
   * transaction numbers them all, ONE app-model transaction applies the next batch
   * of each, and each webhook (sink, directory) drains on its own. The statements
   * per round do not grow with the number of directories.
   */
  private async cycle(): Promise<void> {
    const batch = [...this.dirty].slice(0, MAX_DIRS_PER_CYCLE);
    for (const [dir] of batch) this.dirty.delete(dir);
    if (this.dirty.size) this.scheduleFlush(0);
    if (!batch.length) return;
    const orgOf = new Map(batch);

    const t0 = performance.now();
    let sequenced: Map<string, SequenceResult>;
    try {
      sequenced = await this.slot(() => sequenceDirectories(this.db, [...orgOf.keys()], undefined, this.opts.breaker));
    } catch (err) {
      for (const [dir, org] of batch) this.retryLater(`dir:${dir}`, dir, org, err);
      return;
    }
    this.counters.sequenceMs += Math.round(performance.now() - t0);
    this.counters.sequenceRuns++;
    // BEGIN, lock, number, COMMIT (the circuit breaker adds statements only to rounds with destructive changes or a hold).
    this.counters.statements += 4;
    for (const [dir, org] of batch) {
      const r = sequenced.get(dir);
      if (!r) continue;
      this.counters.sequenced += r.sequenced;
      const key = `dir:${dir}`;
      if (r.busy) this.markDirty(dir, org, BUSY_RETRY_MS);
      else if (r.remaining) {
        // More than one batch, or events held for version order: look again soon,
        // backing off only while nothing moves.
        const wait = r.sequenced > 0 ? 0 : Math.min(this.opts.pollMs, (this.backoff.get(key) ?? 10) * 2);
        this.backoff.set(key, wait);
        this.markDirty(dir, org, wait);
      } else this.backoff.delete(key);
    }

    const appModel: AppModelCursor[] = [];
    for (const [dir, org] of batch) {
      for (const sink of await this.sinksOf(org)) {
        const cursor: CursorKey = { sinkId: sink.id, directoryId: dir, organizationId: org };
        if (sink.kind === 'app_model') appModel.push({ ...cursor, deliverFrom: sink.deliverFrom });
        else this.runExclusive(`sink:${sink.id}:${dir}`, () => this.drainSink(sink, cursor));
      }
    }
    if (!appModel.length) return;
    const t1 = performance.now();
    let drained: Map<string, DrainResult>;
    try {
      drained = await this.slot(() => drainAppModels(this.db, appModel, this.opts.settings, this.batchSize));
    } catch (err) {
      for (const k of appModel) this.retryLater(`sink:${k.sinkId}:${k.directoryId}`, k.directoryId, k.organizationId, err);
      return;
    }
    this.counters.drainMs += Math.round(performance.now() - t1);
    for (const k of appModel) {
      const r = drained.get(cursorId(k));
      if (r) this.afterDrain(`sink:${k.sinkId}:${k.directoryId}`, k, r, false);
    }
  }

  /** Counts a drain's result and schedules what comes next for its cursor. */
  private afterDrain(key: string, cursor: CursorKey, r: DrainResult, loops: boolean): boolean {
    this.counters.batches++;
    this.counters.delivered += r.passed;
    this.counters.statements += r.statements;
    if (r.retryAt !== undefined) {
      this.setRetryTimer(key, Math.max(0, r.retryAt - Date.now()), () => this.markDirty(cursor.directoryId, cursor.organizationId, 0));
      return false;
    }
    // Another process holds the cursor: it may stop before our events, so look again shortly.
    if (r.busy) {
      this.markDirty(cursor.directoryId, cursor.organizationId, BUSY_RETRY_MS);
      return false;
    }
    // A full batch: the caller loops (webhooks), or the next round takes the rest (app model).
    if (r.more && !this.stopped && !loops) this.markDirty(cursor.directoryId, cursor.organizationId, 0);
    return r.more && !this.stopped;
  }

  /** A webhook (sink, directory): batch after batch until caught up, failing, or busy. */
  private async drainSink(sink: SinkWithSecret, cursor: CursorKey): Promise<void> {
    const key = `sink:${sink.id}:${cursor.directoryId}`;
    for (;;) {
      let r: DrainResult;
      const t0 = performance.now();
      try {
        r = await this.slot(() => drainWebhook(this.db, cursor, sink, this.opts.settings, this.webhookBatchSize, this.owner));
      } catch (err) {
        this.retryLater(key, cursor.directoryId, cursor.organizationId, err);
        return;
      }
      this.counters.drainMs += Math.round(performance.now() - t0);
      if (!this.afterDrain(key, cursor, r, true)) return;
    }
  }

  private retryLater(key: string, directoryId: string, organizationId: string, err: unknown): void {
    this.opts.log.warn({ err: { message: errorMessage(err) }, directoryId }, 'outbox drain failed; retrying');
    const wait = Math.min(this.opts.pollMs, (this.backoff.get(key) ?? 50) * 2);
    this.backoff.set(key, wait);
    this.setRetryTimer(key, wait, () => this.markDirty(directoryId, organizationId, 0));
  }

  private setRetryTimer(key: string, delayMs: number, fire: () => void): void {
    if (this.stopped) return;
    const old = this.retryTimers.get(key);
    if (old) clearTimeout(old);
    const t = setTimeout(() => {
      this.retryTimers.delete(key);
      fire();
    }, delayMs);
    t.unref();
    this.retryTimers.set(key, t);
  }

  private async sinksOf(organizationId: string): Promise<SinkWithSecret[]> {
    const cached = this.sinkCache.get(organizationId);
    if (cached && Date.now() - cached.at < SINK_CACHE_MS) return cached.sinks;
    // The built-in sink of a new organization exists before its first drain.
    const sinks = (this.ensured.has(organizationId) ? Promise.resolve() : this.sinkStore.ensureBuiltIn(organizationId).then(() => void this.ensured.add(organizationId))).then(() => this.sinkStore.enabledWithSecrets(organizationId));
    this.sinkCache.set(organizationId, { at: Date.now(), sinks });
    this.counters.statements += this.ensured.has(organizationId) ? 1 : 2;
    try {
      return await sinks;
    } catch (err) {
      this.sinkCache.delete(organizationId);
      throw err;
    }
  }

  /** Replayed dead letters (behind their cursor): delivered one by one through the per-event path. */
  private async runReplays(keys: { eventId: string; sinkId: string; organizationId: string }[]): Promise<void> {
    for (const k of keys) {
      if (this.stopped) return;
      try {
        await this.slot(() => deliverEvent(this.db, k, this.opts.settings));
      } catch (err) {
        // The next attempt time is in PostgreSQL; a later poll picks it up.
        if (!(err instanceof DeliveryRetry || err instanceof DeliveryThrottled)) this.opts.log.warn({ err: { message: errorMessage(err) }, eventId: k.eventId }, 'replay attempt failed');
      }
    }
  }
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
