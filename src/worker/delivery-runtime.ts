import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import type { Closer } from '../main/shutdown';
import { createDeliveryQueue } from '../delivery/delivery-queue';
import { createDeliveryEnqueuer } from '../delivery/delivery-enqueuer';
import { startOutboxSweeper } from '../delivery/outbox-sweeper';
import { startDeliveryWorker } from './delivery-processor';
import { startReconcileWorker } from './reconcile-processor';

export interface DeliveryRuntime {
  /** The scim worker's hook: enqueue deliveries of committed events. */
  onEventsCommitted: (events: StoredEvent[]) => Promise<void>;
  /** In shutdown order: sweeper, reconcile, delivery worker, queues. */
  closers: Closer[];
}

/** Starts delivery (worker + outbox sweeper) and drift reconciliation (scheduler + worker) in a worker process. */
export async function startDeliveryRuntime(config: Config, db: Db, connection: Redis, log: Logger): Promise<DeliveryRuntime> {
  const d = config.delivery;
  const queue = createDeliveryQueue(connection, config.queuePrefix);
  const worker = startDeliveryWorker({
    db,
    connection,
    prefix: config.queuePrefix,
    concurrency: d.concurrency,
    lockMs: config.workerLockMs,
    settings: { maxAttempts: d.maxAttempts, backoffBaseMs: d.backoffBaseMs, backoffMaxMs: d.backoffMaxMs, throttleBudgetMs: d.throttleBudgetMs, secretKey: d.secretKey },
    log: log.child({ part: 'delivery' }),
  });
  const sweeper = startOutboxSweeper(db, queue, log.child({ part: 'outbox-sweeper' }), { intervalMs: d.sweepIntervalMs, graceMs: d.sweepGraceMs, maxAttempts: d.maxAttempts });
  const reconcile = await startReconcileWorker({
    db,
    connection,
    prefix: config.queuePrefix,
    intervalMs: config.reconcile.intervalMs,
    repairOnSchedule: config.reconcile.repairOnSchedule,
    log: log.child({ part: 'reconcile' }),
  });
  return {
    onEventsCommitted: createDeliveryEnqueuer(db, queue, d.maxAttempts),
    closers: [
      { name: 'outbox sweeper', close: () => sweeper.close() },
      { name: 'reconcile worker', close: () => reconcile.worker.close() },
      // Worker.close() waits for active deliveries; an interrupted one stays pending in PostgreSQL.
      { name: 'delivery worker', close: () => worker.close() },
      { name: 'delivery queues', close: () => Promise.allSettled([queue.close(), reconcile.queue.close()]) },
    ],
  };
}
