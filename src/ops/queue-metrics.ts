import { Counter, Gauge, Registry } from 'prom-client';
import type { Queue, Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { TableStorage } from '../store/storage-stats-store';

/** What src/delivery/delivery-stats.ts answers (issue 4). */
export interface DeliveryStatsSnapshot {
  oldestUndeliveredAt: Date | null;
  pendingDeliveries: number;
  deadLetters: number;
  retriesTotal: number;
  /** Circuit-breaker holds (absent from older snapshots). */
  openHolds?: number;
  heldEvents?: number;
  heldPeople?: number;
}

export interface QueueMetricsDeps {
  queues: Queue[];
  db: Db;
  log: Logger;
  /** Delivery backlog numbers; undefined until the delivery tables exist. */
  deliveryStats?: (db: Db) => Promise<DeliveryStatsSnapshot>;
  /** Sizes and oldest row of the retained tables (src/store/storage-stats-store.ts). */
  storageStats?: (db: Db) => Promise<TableStorage[]>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children', 'completed'] as const;
const SAMPLE = 100;
const STATS = ['p50', 'p95', 'max'] as const;

/**
 * Deployment-wide numbers read from Redis and PostgreSQL on each scrape (not
 * per process): every web process reports the same values, so a scrape of any
 * one of them is complete.
 */
export class QueueMetrics {
  readonly registry = new Registry();
  private readonly jobs = new Gauge({ name: 'dirsync_queue_jobs', help: 'Jobs per queue and state (BullMQ getJobCounts); "failed" are jobs that exhausted their attempts', labelNames: ['queue', 'state'] as const, registers: [this.registry] });
  private readonly wait = new Gauge({ name: 'dirsync_queue_wait_seconds', help: 'Time from enqueue to start, over the last 100 completed jobs per queue', labelNames: ['queue', 'stat'] as const, registers: [this.registry] });
  private readonly processing = new Gauge({ name: 'dirsync_queue_processing_seconds', help: 'Time from start to finish, over the last 100 completed jobs per queue', labelNames: ['queue', 'stat'] as const, registers: [this.registry] });
  private readonly retried = new Gauge({ name: 'dirsync_queue_retried_jobs', help: 'Jobs among the last 100 completed per queue that needed more than one attempt', labelNames: ['queue'] as const, registers: [this.registry] });
  private readonly lag = new Gauge({ name: 'dirsync_delivery_lag_seconds', help: 'Now minus the oldest undelivered event (0 when nothing is pending)', registers: [this.registry] });
  private readonly pending = new Gauge({ name: 'dirsync_delivery_pending', help: 'Deliveries not yet delivered or dead-lettered', registers: [this.registry] });
  private readonly deadLetters = new Gauge({ name: 'dirsync_delivery_dead_letters', help: 'Deliveries that exhausted their attempts (replayable)', registers: [this.registry] });
  private readonly retries = new Gauge({ name: 'dirsync_delivery_retries', help: 'Delivery attempts beyond the first, over the delivery rows kept (RETENTION_DELIVERIES_DAYS)', registers: [this.registry] });
  private readonly holds = new Gauge({ name: 'dirsync_breaker_open_holds', help: 'Circuit-breaker holds open: destructive changes kept back from every sink until released or discarded (docs/circuit-breaker.md)', registers: [this.registry] });
  private readonly heldEvents = new Gauge({ name: 'dirsync_breaker_held_events', help: 'Events the open holds keep back (destructive ones and the later events of the same resources)', registers: [this.registry] });
  private readonly heldPeople = new Gauge({ name: 'dirsync_breaker_held_people', help: 'People who would lose access if the open holds were released', registers: [this.registry] });
  private readonly tableRows = new Gauge({ name: 'dirsync_table_rows', help: 'Rows per retained table: the planner estimate (pg_class.reltuples), counted while the table was never analysed', labelNames: ['table'] as const, registers: [this.registry] });
  private readonly tableBytes = new Gauge({ name: 'dirsync_table_bytes', help: 'Bytes per retained table with its indexes and TOAST (pg_total_relation_size)', labelNames: ['table'] as const, registers: [this.registry] });
  private readonly tableOldest = new Gauge({ name: 'dirsync_table_oldest_row_age_seconds', help: 'Age of the oldest row kept per retained table (0 when empty); retention bounds it (docs/operations.md)', labelNames: ['table'] as const, registers: [this.registry] });
  private readonly errors: Counter<'part'> = new Counter({ name: 'dirsync_metrics_collect_errors_total', help: 'Scrapes where a part could not be collected', labelNames: ['part'] as const, registers: [this.registry] });

  constructor(private readonly deps: QueueMetricsDeps) {}

  /** Refreshes every gauge; a part that fails is counted and left out, never failing the scrape. */
  async collect(): Promise<void> {
    await Promise.all([...this.deps.queues.map((q) => this.collectQueue(q)), this.collectDelivery(), this.collectStorage()]);
  }

  private async collectQueue(queue: Queue): Promise<void> {
    try {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.jobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      const recent = (await queue.getJobs(['completed'], 0, SAMPLE - 1)).filter((j): j is Job => Boolean(j?.processedOn && j.finishedOn));
      const waits = recent.map((j) => ((j.processedOn ?? 0) - j.timestamp) / 1000);
      const runs = recent.map((j) => ((j.finishedOn ?? 0) - (j.processedOn ?? 0)) / 1000);
      for (const stat of STATS) {
        this.wait.set({ queue: queue.name, stat }, statOf(waits, stat));
        this.processing.set({ queue: queue.name, stat }, statOf(runs, stat));
      }
      this.retried.set({ queue: queue.name }, recent.filter((j) => (j.attemptsStarted ?? 0) > 1 || j.attemptsMade > 1).length);
    } catch (err) {
      this.errors.inc({ part: `queue:${queue.name}` });
      this.deps.log.warn({ err: { message: (err as Error).message }, queue: queue.name }, 'queue metrics unavailable');
    }
  }

  private async collectDelivery(): Promise<void> {
    if (!this.deps.deliveryStats) return;
    try {
      const s = await this.deps.deliveryStats(this.deps.db);
      this.lag.set(s.oldestUndeliveredAt ? Math.max(0, (Date.now() - s.oldestUndeliveredAt.getTime()) / 1000) : 0);
      this.pending.set(s.pendingDeliveries);
      this.deadLetters.set(s.deadLetters);
      this.retries.set(s.retriesTotal);
      this.holds.set(s.openHolds ?? 0);
      this.heldEvents.set(s.heldEvents ?? 0);
      this.heldPeople.set(s.heldPeople ?? 0);
    } catch (err) {
      this.errors.inc({ part: 'delivery' });
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'delivery metrics unavailable');
    }
  }

  private async collectStorage(): Promise<void> {
    if (!this.deps.storageStats) return;
    try {
      for (const t of await this.deps.storageStats(this.deps.db)) {
        this.tableRows.set({ table: t.table }, t.rows);
        this.tableBytes.set({ table: t.table }, t.bytes);
        this.tableOldest.set({ table: t.table }, t.oldestAt ? Math.max(0, (Date.now() - t.oldestAt.getTime()) / 1000) : 0);
      }
    } catch (err) {
      this.errors.inc({ part: 'storage' });
      this.deps.log.warn({ err: { message: (err as Error).message } }, 'storage metrics unavailable');
    }
  }
}

function statOf(values: number[], stat: (typeof STATS)[number]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  if (stat === 'max') return sorted[sorted.length - 1] ?? 0;
  const q = stat === 'p50' ? 0.5 : 0.95;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
