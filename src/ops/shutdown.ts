import type { Logger } from 'pino';
import { setCrashDrain } from './crash-handlers';

export type Closer = { name: string; close: () => Promise<unknown> };

/**
 * Ordered graceful shutdown within Heroku's 30 s between SIGTERM and SIGKILL:
 * closers run in order (stop taking work first, pools last), the whole thing is
 * bounded by `budgetMs`, and a second signal exits at once.
 */
export function installShutdown(log: Logger, closers: Closer[], budgetMs = 25_000): () => Promise<void> {
  let shuttingDown = false;
  // A crash drains through the same closers, then exits 1 (src/ops/crash-handlers.ts).
  setCrashDrain(() => closeAll(log, closers), log);
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ budgetMs }, 'shutdown budget exceeded: exiting');
      process.exit(1);
    }, budgetMs);
    timer.unref();
    await closeAll(log, closers);
    clearTimeout(timer);
    log.info('bye');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return () => shutdown('manual');
}

/** Runs the closers in order; one failing does not stop the rest. */
async function closeAll(log: Logger, closers: Closer[]): Promise<void> {
  for (const c of closers) {
    try {
      await c.close();
      log.info({ part: c.name }, 'closed');
    } catch (err) {
      log.warn({ part: c.name, err }, 'close failed');
    }
  }
}
