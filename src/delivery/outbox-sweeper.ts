import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { DeliveryStore } from '../store/delivery-store';
import { SinkStore } from '../store/sink-store';
import { enqueueDeliveries, type DeliveryJob } from './delivery-queue';

export interface SweeperOptions {
  intervalMs: number;
  graceMs: number;
  maxAttempts: number;
  /** Most pairs enqueued per pass (the next pass continues). */
  batch?: number;
}

/**
 * The outbox sweeper (G5): PostgreSQL says what is delivered, so every pass
 * re-enqueues (event, sink) pairs that are still undelivered after the grace period:
 * the enqueue after commit failed, Redis lost its data (FLUSHALL), a job vanished.
 * A pair whose job still exists is a no-op (same job id). Safe in every worker process.
 */
export function startOutboxSweeper(db: Db, queue: Queue<DeliveryJob>, log: Logger, opts: SweeperOptions): { sweepNow: () => Promise<number>; close: () => Promise<void> } {
  const deliveries = new DeliveryStore(db);
  const sinks = new SinkStore(db);
  let running: Promise<number> | undefined;
  let stopped = false;

  const pass = async (): Promise<number> => {
    await sinks.ensureBuiltIn();
    const keys = await deliveries.overdue(opts.graceMs, opts.batch ?? 1000);
    if (keys.length) {
      await enqueueDeliveries(queue, keys, opts.maxAttempts);
      log.info({ count: keys.length }, 'outbox sweeper re-enqueued undelivered events');
    }
    return keys.length;
  };
  const sweepNow = (): Promise<number> => {
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    if (stopped) return;
    sweepNow().catch((err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'outbox sweep failed'));
  }, opts.intervalMs);
  timer.unref();
  return {
    sweepNow,
    close: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
