import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { serveClusterMetrics } from './cluster-metrics';

const SHUTDOWN = 'dirsync:shutdown';
const MAX_RESTARTS_PER_MINUTE = 10;

/** True in the process that should fork web processes instead of serving (WEB_CONCURRENCY > 1). */
export function shouldFork(webConcurrency: number): boolean {
  return webConcurrency > 1 && cluster.isPrimary;
}

/**
 * The primary of a WEB_CONCURRENCY dyno: forks N web processes (each with its
 * own PostgreSQL pool and Redis connections, sharing the port through
 * node:cluster), restarts one that dies (bounded), aggregates their metrics,
 * and owns the signals: the first SIGTERM/SIGINT asks every process to shut
 * down gracefully, a second makes them exit at once. Exits when all are gone.
 */
export function runClusterPrimary(count: number, log: Logger, budgetMs = 27_000): void {
  serveClusterMetrics();
  let stopping = false;
  let restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  log.info({ processes: count }, 'web cluster started');

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        log.info('web cluster stopped');
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    restarts = restarts.filter((t) => now - t < 60_000);
    if (restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      log.fatal({ pid: worker.process.pid, code, signal }, 'web processes keep dying: giving up');
      process.exit(1);
    }
    restarts.push(now);
    log.error({ pid: worker.process.pid, code, signal }, 'web process died: restarting');
    fork();
  });

  const stop = (signal: string) => {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    if (stopping) {
      log.warn({ signal }, 'second signal: web processes exit now');
      for (const w of workers) w.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, processes: workers.length }, 'shutting down web cluster');
    for (const w of workers) if (w.isConnected()) w.send({ type: SHUTDOWN });
    if (!workers.length) process.exit(0);
    setTimeout(() => {
      log.error({ budgetMs }, 'web cluster shutdown budget exceeded');
      process.exit(1);
    }, budgetMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * In a forked web process the primary owns the signals. Heroku signals every
 * process of the dyno at once; if each process also reacted to its own
 * SIGTERM, the primary's relay would count as a "second signal" and cut
 * in-flight requests. So OS signals are ignored here and the primary's
 * message (or its death) starts the graceful shutdown.
 */
export function followClusterPrimary(shutdown: () => Promise<void>): void {
  if (!cluster.isWorker) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => undefined);
  }
  process.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === SHUTDOWN) void shutdown();
  });
  process.on('disconnect', () => void shutdown());
}
