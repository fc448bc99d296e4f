import { ConfigError } from '../config/config';
import { DependencyError } from './preflight';

/** Runs an entry point; configuration and dependency problems print one clear message and exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof DependencyError) {
      process.stderr.write(`dirsync ${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`dirsync ${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}
