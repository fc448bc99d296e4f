import type { Config } from '../config/config';
import { loadConfig } from '../config/config';
import { createDb, type Db } from '../store/db';
import { OrganizationStore, type Organization } from '../store/organization-store';
import { checkPostgres } from '../ops/preflight';

/** Lazily opened resources of one CLI invocation; closed when the command ends. */
export class CliContext {
  private dbInstance: Db | undefined;
  readonly config: Config;

  constructor() {
    this.config = loadConfig();
  }

  async db(): Promise<Db> {
    if (!this.dbInstance) {
      this.dbInstance = createDb(this.config, 2);
      await checkPostgres(this.dbInstance, this.config.databaseUrl);
    }
    return this.dbInstance;
  }

  async close(): Promise<void> {
    await this.dbInstance?.destroy();
  }
}

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {}

export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** How a command runs: with a context that is closed afterwards and errors printed cleanly (src/cli/main.ts). */
export type Run = (fn: (ctx: CliContext) => Promise<void>) => Promise<void>;

/** The organization named by id or (case-insensitive) name, or a CliError that says how to find it. */
export async function findOrganization(ctx: CliContext, idOrName: string): Promise<Organization> {
  const org = await new OrganizationStore(await ctx.db()).find(idOrName);
  if (!org) throw new CliError(`No organization "${idOrName}" (give its id or exact name; see list-organizations). Nothing was changed.`);
  return org;
}
