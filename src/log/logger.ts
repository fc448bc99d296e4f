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

export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
