import { createLogger, type Logger } from '../log/logger';

/** How long a crashing process may drain (close servers, finish active jobs) before it exits anyway. */
export const CRASH_DRAIN_BUDGET_MS = 10_000;

/** Credential-shaped text an error message or stack might carry (a token in a URL, a connection string, a header). */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/dsk_[A-Za-z0-9_-]+/g, 'dsk_[redacted]'],
  [/(\w+:\/\/[^:/?#\s]*:)[^@/?#\s]+@/g, '$1[redacted]@'],
  [/\b(token|secret|password|key)=([^&\s]+)/gi, '$1=[redacted]'],
];

export function redactText(text: string): string {
  return SECRET_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

/** A crash reason as loggable fields: type, redacted message and stack (never the raw object, which may hold a body). */
export function describeCrash(reason: unknown): { type: string; message: string; stack?: string } {
  if (reason instanceof Error) {
    return { type: reason.name, message: redactText(reason.message), ...(reason.stack ? { stack: redactText(reason.stack) } : {}) };
  }
  return { type: typeof reason, message: redactText(String(reason)).slice(0, 2000) };
}

let drain: (() => Promise<unknown>) | undefined;
let log: Logger | undefined;

/** What a crash drains: installShutdown registers the same ordered closers SIGTERM uses. */
export function setCrashDrain(fn: () => Promise<unknown>, logger?: Logger): void {
  drain = fn;
  if (logger) log = logger;
}

/**
 * After an uncaught exception or an unhandled rejection the process state is
 * unknown: log it (redacted), drain within a bounded budget, and exit 1 so the
 * dyno manager restarts the process. Jobs still active are redelivered by BullMQ
 * and SCIM clients retry, so exiting loses no accepted data.
 */
export function installCrashHandlers(name: string, budgetMs = CRASH_DRAIN_BUDGET_MS): void {
  let crashing = false;
  const crash = (kind: 'uncaughtException' | 'unhandledRejection', reason: unknown) => {
    const logger = log ?? createLogger('info', name);
    if (crashing) {
      logger.error({ kind, error: describeCrash(reason) }, 'another failure while crashing');
      return;
    }
    crashing = true;
    process.exitCode = 1;
    logger.fatal({ kind, error: describeCrash(reason), drainBudgetMs: budgetMs }, `${kind}: draining, then exiting with 1`);
    const timer = setTimeout(() => {
      logger.fatal({ drainBudgetMs: budgetMs }, 'crash drain budget exceeded: exiting');
      process.exit(1);
    }, budgetMs);
    timer.unref();
    Promise.resolve()
      .then(() => drain?.())
      .catch((error: unknown) => logger.error({ error: describeCrash(error) }, 'crash drain failed'))
      .finally(() => {
        logger.fatal('exiting after crash');
        process.exit(1);
      });
  };
  process.on('uncaughtException', (error) => crash('uncaughtException', error));
  process.on('unhandledRejection', (reason) => crash('unhandledRejection', reason));
}
