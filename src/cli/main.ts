import { Command } from 'commander';
import { CliContext, CliError } from './cli-context';
import { ConfigError } from '../config/config';
import { DependencyError } from '../ops/preflight';
import { registerDirectoryCommands } from './commands/directory-commands';
import { registerDeliveryCommands } from './commands/delivery-commands';
import { registerOrganizationCommands } from './commands/organization-commands';
import { packageVersion } from '../common/package-version';
import { registerAttributeMappingCommands } from './commands/attribute-mapping-commands';
import { registerHoldCommands } from './commands/hold-commands';

/** `dirsync` ops CLI (package.json bin). Every command reads the same environment as the server. */
const program = new Command('dirsync').description('dirsync operations CLI').version(packageVersion(), '-V, --version').showHelpAfterError();

async function run(fn: (ctx: CliContext) => Promise<void>): Promise<void> {
  let ctx: CliContext | undefined;
  try {
    ctx = new CliContext();
    await fn(ctx);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof DependencyError) {
      process.stderr.write(`dirsync: ${error.message}\n`);
    } else {
      process.stderr.write(`dirsync: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exitCode = 1;
  } finally {
    await ctx?.close();
  }
}

registerDirectoryCommands(program, run);
registerDeliveryCommands(program, run);
registerOrganizationCommands(program, run);
registerAttributeMappingCommands(program, run);
registerHoldCommands(program, run);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`dirsync: ${String(error)}\n`);
  process.exit(1);
});
