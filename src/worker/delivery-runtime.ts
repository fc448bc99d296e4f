import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import type { Closer } from '../ops/shutdown';
import { OutboxDrainer } from '../delivery/outbox-drainer';
import { startReconcileWorker } from './reconcile-processor';
import { RetentionPruner } from './retention-pruner';
import { AttributeReprojectionRunner } from './attribute-reprojection-runner';

export interface DeliveryRuntime {
  /**
   * The scim worker's hook, called after each commit with the committed events.
   * Costs no PostgreSQL or Redis round trip: it marks the events' directories dirty
   * in memory (only `directoryId` and `organizationId` are read) and the outbox
   * drainer delivers them a few milliseconds later, in batches. It resolves at
   * once and never rejects; events it is not told about are found by the backstop
   * poll (DELIVERY_SWEEP_INTERVAL_MS).
   */
  onEventsCommitted: (events: readonly Pick<StoredEvent, 'directoryId' | 'organizationId'>[]) => Promise<void>;
  drainer: OutboxDrainer;
  /** The retention job (docs/operations.md, "Retention"). */
  pruner: RetentionPruner;
  /** In shutdown order: reconcile, the pruner, the drainer (waits for its running batches), the reconcile queue. */
  closers: Closer[];
}

/** Starts delivery (the outbox drainer), drift reconciliation (scheduler + worker) and retention pruning in a worker process. */
export async function startDeliveryRuntime(config: Config, db: Db, connection: Redis, log: Logger): Promise<DeliveryRuntime> {
  const d = config.delivery;
  const drainer = new OutboxDrainer(db, {
    settings: { maxAttempts: d.maxAttempts, backoffBaseMs: d.backoffBaseMs, backoffMaxMs: d.backoffMaxMs, throttleBudgetMs: d.throttleBudgetMs, secretKey: d.secretKey },
    pollMs: d.sweepIntervalMs,
    coalesceMs: d.coalesceMs,
    batchSize: d.batchSize,
    concurrency: d.concurrency,
    breaker: config.breaker,
    log: log.child({ part: 'delivery' }),
  });
  // Work left by a previous run (or another process) starts now, not one poll later.
  void drainer.pollNow();
  const reconcile = await startReconcileWorker({
    db,
    connection,
    prefix: config.queuePrefix,
    intervalMs: config.reconcile.intervalMs,
    repairOnSchedule: config.reconcile.repairOnSchedule,
    log: log.child({ part: 'reconcile' }),
  });
  // A plain timer, not a BullMQ job: PostgreSQL's advisory lock decides which worker prunes, so Redis is not involved.
  const pruner = new RetentionPruner(db, config.retention, log.child({ part: 'retention' }));
  pruner.start(config.retention.intervalMs);
  // Attribute mapping changes re-project users through the outbox (docs/app-user-model.md).
  const reprojection = new AttributeReprojectionRunner(db, { publicUrl: config.publicUrl, batchSize: d.batchSize, pauseMs: 10 }, log.child({ part: 'reprojection' }), drainer.onEventsCommitted);
  reprojection.start(d.sweepIntervalMs);
  return {
    onEventsCommitted: drainer.onEventsCommitted,
    drainer,
    pruner,
    closers: [
      { name: 'reconcile worker', close: () => reconcile.worker.close() },
      // Ends after its current batch (one short statement).
      { name: 'retention pruner', close: () => pruner.close() },
      { name: 'attribute re-projection', close: () => reprojection.close() },
      // Waits for running batches; an interrupted one rolls back and its cursor stays put.
      { name: 'outbox drainer', close: () => drainer.close() },
      { name: 'reconcile queue', close: () => reconcile.queue.close() },
    ],
  };
}
