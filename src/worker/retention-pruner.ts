import type { Logger } from 'pino';
import { PeriodicJob } from '../ops/periodic-job';
import type { Db } from '../store/db';
import { type RetentionConnection, RetentionStore } from '../store/retention-store';

export interface RetentionSettings {
  /** Events older than this (days) are pruned once every enabled sink consumed them; 0 keeps them forever. */
  eventsDays: number;
  /** SCIM write log entries older than this (days) are pruned; 0 keeps them forever. */
  operationsDays: number;
  /** Delivered `deliveries` rows and replayed dead letters older than this (days) are pruned; 0 keeps them forever. */
  deliveriesDays: number;
  /** Rows per DELETE statement. */
  batchSize: number;
  /** Pause between two batches (ms): pruning yields the database to the write path. */
  pauseMs: number;
  /** Directory health: rejected requests and hourly request counters older than this (days) are pruned; 0 or absent keeps them. */
  rejectionsDays?: number;
  /** Directory health: rejected requests kept per directory (the newest); 0 or absent: no cap. */
  rejectionsMaxPerDirectory?: number;
}

export interface PruneCounts {
  events: number;
  operations: number;
  deliveries: number;
  deadLetters: number;
  replayMarkers: number;
  /** Rejected-request records (age and per-directory cap) and hourly request counters. */
  rejections?: number;
  requestCounts?: number;
  /** DELETE statements run. */
  batches: number;
}

export interface PruneRun extends PruneCounts {
  /** Another process held the pruning lock: this run did nothing. */
  skipped: boolean;
}

interface KnexPgClient {
  acquireConnection(): Promise<RetentionConnection>;
  releaseConnection(connection: RetentionConnection): Promise<void>;
}

/** Session advisory lock key (two int4: "dirs", 8): one pruner at a time over all worker processes. */
const LOCK_KEY = [1684632179, 8] as const;
const DAY_SECONDS = 86_400;

/**
 * The retention job of a worker process (docs/operations.md, "Retention"). Every
 * `intervalMs` it takes a PostgreSQL session advisory lock (pg_try_advisory_lock: a
 * worker that does not get it skips the run, and a crashed worker's lock goes with
 * its connection) and prunes each table in batches of `batchSize` rows, one short
 * autocommit DELETE each, with `pauseMs` between batches and a lock_timeout so a
 * batch never queues behind a writer's row lock for long (it fails and the next run
 * tries again). Nothing is read from or written to Redis.
 */
export class RetentionPruner extends PeriodicJob<PruneRun> {
  constructor(
    private readonly db: Db,
    private readonly settings: RetentionSettings,
    log: Logger,
  ) {
    super(log, 'retention run failed; the next run retries');
  }

  /** Runs every `intervalMs`, the first time after `firstDelayMs` (at most a minute by default). */
  override start(intervalMs: number, firstDelayMs = Math.min(intervalMs, 60_000)): void {
    super.start(intervalMs, firstDelayMs);
  }

  /** One pruning run (tests call it through runOnce). */
  protected async run(): Promise<PruneRun> {
    const counts: PruneCounts = { events: 0, operations: 0, deliveries: 0, deadLetters: 0, replayMarkers: 0, rejections: 0, requestCounts: 0, batches: 0 };
    const client = this.db.client as unknown as KnexPgClient;
    const conn = await client.acquireConnection();
    const store = new RetentionStore(conn);
    let locked = false;
    try {
      locked = await store.tryLock(LOCK_KEY);
      if (!locked) return { ...counts, skipped: true };
      await store.setSessionLimits();
      const t0 = Date.now();
      await this.pruneAll(store, counts);
      const total = counts.events + counts.operations + counts.deliveries + counts.deadLetters + counts.replayMarkers + (counts.rejections ?? 0) + (counts.requestCounts ?? 0);
      if (total) this.log.info({ ...counts, ms: Date.now() - t0 }, 'retention: pruned old rows');
      return { ...counts, skipped: false };
    } finally {
      try {
        if (locked) await store.resetAndUnlock(LOCK_KEY);
      } finally {
        await client.releaseConnection(conn);
      }
    }
  }

  private async pruneAll(store: RetentionStore, counts: PruneCounts): Promise<void> {
    const s = this.settings;
    // Rows that refer to events go first: an event is kept while any of them remains.
    if (s.deliveriesDays > 0) {
      const age = s.deliveriesDays * DAY_SECONDS;
      counts.deliveries += await this.loop(counts, () => store.pruneDeliveredBatch(age, s.batchSize));
      counts.deadLetters += await this.loop(counts, () => store.pruneReplayedDeadLetterBatch(age, s.batchSize));
    }
    counts.replayMarkers += await this.loop(counts, () => store.pruneReplayMarkerBatch(s.batchSize));
    const rejectionsAge = (s.rejectionsDays ?? 0) * DAY_SECONDS;
    const rejectionsCap = s.rejectionsMaxPerDirectory ?? 0;
    if (s.eventsDays <= 0 && s.operationsDays <= 0 && rejectionsAge <= 0 && rejectionsCap <= 0) return;
    for (const id of await store.directoryIds()) {
      if (this.stopped) return;
      if (s.eventsDays > 0) counts.events += await this.pruneDirectoryEvents(store, id, s.eventsDays * DAY_SECONDS, counts);
      if (s.operationsDays > 0) counts.operations += await this.loop(counts, () => store.pruneOperationBatch(id, s.operationsDays * DAY_SECONDS, s.batchSize));
      // Directory health (issue 13): 7 days by default, and at most the newest N records per directory.
      if (rejectionsAge > 0) {
        counts.rejections = (counts.rejections ?? 0) + (await this.loop(counts, () => store.pruneRejectionBatch(id, rejectionsAge, s.batchSize)));
        counts.requestCounts = (counts.requestCounts ?? 0) + (await this.loop(counts, () => store.pruneRequestCountBatch(id, rejectionsAge, s.batchSize)));
      }
      if (rejectionsCap > 0) counts.rejections = (counts.rejections ?? 0) + (await this.loop(counts, () => store.capRejectionBatch(id, rejectionsCap, s.batchSize)));
    }
  }

  /** Batches of one directory's events in seq order, until a batch is short or reaches recent events. */
  private async pruneDirectoryEvents(store: RetentionStore, directoryId: string, ageSeconds: number, counts: PruneCounts): Promise<number> {
    let after = 0;
    let deleted = 0;
    for (;;) {
      const r = await store.pruneEventBatch(directoryId, after, ageSeconds, this.settings.batchSize);
      counts.batches++;
      deleted += r.deleted;
      if (r.scanned < this.settings.batchSize || r.reachedRecent || r.lastSeq === null || this.stopped) return deleted;
      after = r.lastSeq;
      await this.pause();
    }
  }

  /** Repeats a batch while it deletes a full batch. */
  private async loop(counts: PruneCounts, batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await batch();
      counts.batches++;
      total += n;
      if (n < this.settings.batchSize || this.stopped) return total;
      await this.pause();
    }
  }

  private pause(): Promise<void> {
    return this.settings.pauseMs > 0 ? new Promise((r) => setTimeout(r, this.settings.pauseMs)) : Promise.resolve();
  }
}

