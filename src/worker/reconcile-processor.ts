import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { DirectoryStore } from '../store/directory-store';
import { QUEUE_NAMES } from '../queue/queue-names';
import { runReconcile } from '../app-model/run-reconcile';

/** `reconcile.all` fans out to one `directory.reconcile` job per active directory. */
export type ReconcileJob = { kind: 'all' } | { kind: 'directory'; directoryId: string; repair: boolean; trigger: 'schedule' | 'manual' };

export const RECONCILE_SCHEDULER_ID = 'reconcile-all-directories';

export interface ReconcileWorkerDeps {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  intervalMs: number;
  repairOnSchedule: boolean;
  log: Logger;
}

/**
 * Starts the reconcile queue: a BullMQ job scheduler (every RECONCILE_INTERVAL_MS)
 * fans out per-directory jobs; their ids carry the interval slot so a directory
 * is reconciled at most once per slot even with several worker processes.
 */
export async function startReconcileWorker(deps: ReconcileWorkerDeps): Promise<{ worker: Worker<ReconcileJob>; queue: Queue<ReconcileJob> }> {
  const queue = new Queue<ReconcileJob>(QUEUE_NAMES.reconcile, { connection: deps.connection, prefix: deps.prefix });
  await queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: deps.intervalMs }, { name: 'reconcile.all', data: { kind: 'all' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  const worker = new Worker<ReconcileJob>(
    QUEUE_NAMES.reconcile,
    async (job: Job<ReconcileJob>) => {
      const data = job.data;
      if (data.kind === 'all') {
        const dirs = await new DirectoryStore(deps.db).activeIds();
        const slot = Math.floor(Date.now() / deps.intervalMs);
        await queue.addBulk(
          dirs.map((d) => ({
            name: 'directory.reconcile',
            data: { kind: 'directory' as const, directoryId: d.id, repair: deps.repairOnSchedule, trigger: 'schedule' as const },
            opts: { jobId: `reconcile-${d.id}-${slot}`, attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 1000, removeOnFail: 1000 },
          })),
        );
        return { directories: dirs.length };
      }
      const report = await runReconcile(deps.db, data.directoryId, data.repair, data.trigger);
      if (report.driftCount) deps.log.warn({ directoryId: data.directoryId, drift: report.driftCount, repaired: report.report.repaired }, 'drift between directory and app model');
      return { reportId: report.id, drift: report.driftCount };
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => deps.log.error({ err: { message: err.message } }, 'reconcile worker error'));
  return { worker, queue };
}
