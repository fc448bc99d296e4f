import { ConfigError } from '../config/config';
import { DependencyError } from '../ops/preflight';
import { installCrashHandlers } from '../ops/crash-handlers';

/** Runs an entry point with crash handlers; configuration and dependency problems print one clear message and exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  installCrashHandlers(name);
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof DependencyError) {
      process.stderr.write(`dirsync ${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`dirsync ${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}
