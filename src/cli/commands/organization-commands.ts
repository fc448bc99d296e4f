import type { Command } from 'commander';
import { CliError, findOrganization, print, type Run } from '../cli-context';
import { OrganizationStore } from '../../store/organization-store';
import { issuePortalLink } from '../../portal-access/portal-link';

/** enable-directory-sync, disable-directory-sync, portal-link. */
export function registerOrganizationCommands(program: Command, run: Run): void {
  for (const [name, enabled] of [['enable-directory-sync', true], ['disable-directory-sync', false]] as const) {
    program
      .command(name)
      .description(enabled ? 'enable Directory Sync for an organization (its admins can then connect a directory)' : 'disable Directory Sync for an organization (SCIM requests get 401; data stays)')
      .requiredOption('--org <id|name>', 'organization id or name')
      .option('--json', 'print JSON', false)
      .action((opts: { org: string; json: boolean }) =>
        run(async (ctx) => {
          const org = await findOrganization(ctx, opts.org);
          const updated = await new OrganizationStore(await ctx.db()).update(org.id, { directorySyncEnabled: enabled });
          if (!updated) throw new CliError(`Organization "${opts.org}" disappeared.`);
          print(opts.json, { organizationId: updated.id, name: updated.name, directorySyncEnabled: updated.directorySyncEnabled }, () => `Directory Sync ${enabled ? 'enabled' : 'disabled'} for ${updated.name} (${updated.id})`);
        }),
      );
  }

  program
    .command('portal-link')
    .description('create a single-use, short-lived Admin Portal link for an organization')
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--expires-in <seconds>', 'how long the link stays valid (default PORTAL_LINK_TTL_SECONDS)')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; expiresIn?: string; json: boolean }) =>
      run(async (ctx) => {
        const ttl = opts.expiresIn === undefined ? ctx.config.portal.linkTtlSeconds : Number(opts.expiresIn);
        if (!Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 24 * 3600) throw new CliError('--expires-in must be a whole number of seconds between 1 and 604800');
        const org = await findOrganization(ctx, opts.org);
        const link = await issuePortalLink(ctx.config, await ctx.db(), org.id, ttl);
        const note = org.directorySyncEnabled ? '' : `\nNote: Directory Sync is not enabled for ${org.name}; the portal will say so (npx dirsync enable-directory-sync --org "${org.name}").`;
        print(
          opts.json,
          { url: link.url, expiresAt: link.expiresAt.toISOString(), organizationId: org.id, organizationName: org.name, directorySyncEnabled: org.directorySyncEnabled },
          () => `Admin Portal link for ${org.name} (single use, expires ${link.expiresAt.toISOString()}):\n  ${link.url}${note}`,
        );
      }),
    );
}
