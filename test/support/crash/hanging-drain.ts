/**
 * A process whose drain never finishes (test/ops/crash-handlers.test.ts): after an
 * uncaught exception it must still exit 1 once the crash budget (CRASH_BUDGET_MS) is spent.
 */
import { installCrashHandlers } from '../../../src/ops/crash-handlers';
import { installShutdown } from '../../../src/ops/shutdown';
import { createLogger } from '../../../src/log/logger';

installCrashHandlers('hanging-drain', Number(process.env['CRASH_BUDGET_MS'] ?? 1000));
installShutdown(createLogger('info', 'hanging-drain'), [{ name: 'stuck', close: () => new Promise(() => undefined) }]);
setInterval(() => undefined, 1000); // keeps the process alive like a server would
setTimeout(() => {
  throw new Error('boom');
}, 100);
