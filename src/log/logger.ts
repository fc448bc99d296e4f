import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs to stdout. The redact list is a second line of defence:
 * code logs ids and outcomes, never bodies; anything that still carries a
 * credential-shaped key is censored.
 */
export const REDACT_PATHS = [
  'authorization',
  'token',
  'password',
  'secret',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'headers.authorization',
  'body',
  '*.body',
];

export interface LoggerOptions {
  /**
   * Buffer lines and write them in blocks (at least every `FLUSH_MS`, and at exit) instead
   * of one write(2) per line: the web process logs every request and the worker every job,
   * and a system call per line was a measurable share of their CPU (docs/benchmarks.md).
   */
  buffered?: boolean;
}

const FLUSH_MS = 500;

export function createLogger(level: string, name: string, options: LoggerOptions = {}): Logger {
  const settings = {
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!options.buffered) return pino(settings);
  // Synchronous writes of whole blocks: no write is ever in flight, so the exit flush below cannot race one.
  const destination = pino.destination({ dest: 1, sync: true, minLength: 8 * 1024 });
  const timer = setInterval(() => {
    try {
      destination.flushSync();
    } catch {
      // stdout closed: nothing to do
    }
  }, FLUSH_MS);
  timer.unref();
  // Whatever way the process ends (signal drain, crash handler, process.exit), the buffer reaches stdout.
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // stdout already closed: nothing left to save
    }
  });
  return pino(settings, destination);
}

export type { Logger };
