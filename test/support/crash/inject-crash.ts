/**
 * Preloaded (`node --import tsx --import ./test/support/crash/inject-crash.ts src/main/<entry>.ts`)
 * into a real entry point by test/ops/crash-handlers.test.ts: once the process logs
 * CRASH_AFTER (it is up), it fails the way CRASH_KIND says, from a timer, outside any
 * request or job, with a credential-shaped message the crash log must redact.
 */
const after = process.env['CRASH_AFTER'] ?? '';
const kind = process.env['CRASH_KIND'] ?? 'throw';
export const CRASH_MESSAGE = 'injected failure: Bearer dsk_injectedSecretToken0123456789 via postgres://app:hunter2secret@db.example/x';

let armed = true;
const watch = (chunk: unknown) => {
  if (armed && String(chunk).includes(after)) {
    armed = false;
    setTimeout(() => {
      if (kind === 'reject') void Promise.reject(new Error(CRASH_MESSAGE));
      else throw new Error(CRASH_MESSAGE);
    }, 200);
  }
};

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  watch(chunk);
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

// The web and worker loggers write blocks straight to fd 1 (src/log/logger.ts): watch those too.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module object, so the patch is seen by every caller.
const fs = require('node:fs') as typeof import('node:fs');
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, ...rest: unknown[]) => {
  if (fd === 1) watch(rest[0]);
  return (writeSync as (...args: unknown[]) => number)(fd, ...rest);
}) as typeof fs.writeSync;
