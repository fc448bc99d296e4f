import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { createDb, type Db } from '../store/db';
import { createRedis } from '../queue/redis-connection';
import { startScimWorker } from '../worker/scim-processor';
import { startDeliveryRuntime } from '../worker/delivery-runtime';
import { checkPostgres, checkRedis } from '../ops/preflight';
import type { Closer } from '../ops/shutdown';

export interface WorkerRuntime {
  db: Db;
  closers: Closer[];
}

/** Builds and starts the worker process: BullMQ workers over a PostgreSQL pool sized for their concurrency. */
export async function startWorkers(config: Config, log: Logger): Promise<WorkerRuntime> {
  const db = createDb(config, config.pgPoolMaxWorker);
  await checkPostgres(db, config.databaseUrl);
  await checkRedis(config, log);
  const connection = createRedis(config, 'worker', log);
  // Replies are fire-and-forget PUBLISHes: the producer role (fail fast, auto-pipelined) fits them.
  const publisher = createRedis(config, 'producer', log);

  const delivery = await startDeliveryRuntime(config, db, connection, log);
  const scimWorker = startScimWorker({ db, connection, publisher, prefix: config.queuePrefix, concurrency: config.workerConcurrency, lockMs: config.workerLockMs, log, onEventsCommitted: delivery.onEventsCommitted });
  log.info({ concurrency: config.workerConcurrency }, 'workers started');

  const closers: Closer[] = [
    // Worker.close() stops fetching and waits for active jobs; a job cut off by SIGKILL is
    // redelivered as stalled and finds its operation record (G2).
    { name: 'scim worker', close: () => scimWorker.close() },
    // After the scim worker: its last commits still enqueue deliveries; then delivery and reconcile stop.
    ...delivery.closers,
    { name: 'redis', close: () => Promise.allSettled([publisher.quit(), connection.quit()]) },
    { name: 'postgres', close: () => db.destroy() },
  ];
  return { db, closers };
}
