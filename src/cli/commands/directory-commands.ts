import type { Command } from 'commander';
import { CliError, findOrganization, print, type Run } from '../cli-context';
import { OrganizationStore } from '../../store/organization-store';
import { DirectoryStore } from '../../store/directory-store';
import type { Provider } from '../../common/providers';
import { PROVIDERS } from '../../common/providers';
import { scimBaseUrl } from '../../common/scim-base-url';

/** create-organization, create-directory, rotate-token, revoke-tokens, list-directories. */
export function registerDirectoryCommands(program: Command, run: Run): void {
  program
    .command('create-organization')
    .description('create an organization (a customer of the app)')
    .requiredOption('--name <name>', 'organization name (unique, case-insensitive)')
    .option('--enable-directory-sync', 'enable Directory Sync right away', false)
    .option('--json', 'print JSON', false)
    .action((opts: { name: string; enableDirectorySync: boolean; json: boolean }) =>
      run(async (ctx) => {
        const orgs = new OrganizationStore(await ctx.db());
        if (await orgs.find(opts.name)) throw new CliError(`An organization named "${opts.name}" already exists.`);
        const org = await orgs.create(opts.name, opts.enableDirectorySync);
        print(opts.json, { organizationId: org.id, name: org.name, directorySyncEnabled: org.directorySyncEnabled }, () => `Created organization ${org.name} (${org.id})${org.directorySyncEnabled ? ' with Directory Sync enabled' : ''}`);
      }),
    );

  program
    .command('list-organizations')
    .description('list organizations')
    .option('--json', 'print JSON', false)
    .action((opts: { json: boolean }) =>
      run(async (ctx) => {
        const orgs = await new OrganizationStore(await ctx.db()).list();
        print(opts.json, orgs, () => (orgs.length ? orgs.map((o) => `${o.id}  ${o.name}  directory sync ${o.directorySyncEnabled ? 'on' : 'off'}`).join('\n') : 'No organizations.'));
      }),
    );

  program
    .command('create-directory')
    .description('create a SCIM directory for an organization; prints the SCIM base URL and the token once')
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--provider <provider>', `one of ${PROVIDERS.join(', ')}`, 'okta')
    .option('--name <name>', 'display name of the directory')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; provider: string; name?: string; json: boolean }) =>
      run(async (ctx) => {
        if (!(PROVIDERS as readonly string[]).includes(opts.provider)) throw new CliError(`Unknown provider "${opts.provider}": use one of ${PROVIDERS.join(', ')}.`);
        const org = await findOrganization(ctx, opts.org);
        const { directory, token } = await new DirectoryStore(await ctx.db()).create(org.id, opts.provider as Provider, opts.name);
        const url = scimBaseUrl(ctx.config.publicUrl, directory.id);
        const note = org.directorySyncEnabled ? '' : '\nNote: Directory Sync is not enabled for this organization; SCIM requests get 401 until it is (enable-directory-sync).';
        print(
          opts.json,
          { organizationId: org.id, directoryId: directory.id, provider: directory.provider, scimBaseUrl: url, token, directorySyncEnabled: org.directorySyncEnabled },
          () => `Created ${directory.name} directory ${directory.id} for ${org.name}\n  SCIM base URL: ${url}\n  Bearer token:  ${token}\n  (the token is shown once; only its hash is stored)${note}`,
        );
      }),
    );

  program
    .command('rotate-token')
    .description('issue a new bearer token; the old one keeps working for the grace period')
    .requiredOption('--directory <id>', 'directory id')
    .option('--grace <seconds>', 'how long existing tokens stay valid', '86400')
    .option('--json', 'print JSON', false)
    .action((opts: { directory: string; grace: string; json: boolean }) =>
      run(async (ctx) => {
        const grace = Number(opts.grace);
        if (!Number.isInteger(grace) || grace < 0) throw new CliError('--grace must be a whole number of seconds');
        const dirs = new DirectoryStore(await ctx.db());
        const dir = await dirs.find(opts.directory);
        if (!dir) throw new CliError(`No directory ${opts.directory}.`);
        const token = await dirs.rotateToken(dir.id, grace);
        print(opts.json, { directoryId: dir.id, token, previousTokensValidForSeconds: grace }, () => `New bearer token for directory ${dir.id}:\n  ${token}\n  (shown once). Previous tokens stop working in ${grace} s, or now with: npx dirsync revoke-tokens --directory ${dir.id}`);
      }),
    );

  program
    .command('revoke-tokens')
    .description('revoke every token of a directory except the newest')
    .requiredOption('--directory <id>', 'directory id')
    .action((opts: { directory: string }) =>
      run(async (ctx) => {
        const n = await new DirectoryStore(await ctx.db()).revokeTokens(opts.directory);
        process.stdout.write(`Revoked ${n} token(s).\n`);
      }),
    );

  program
    .command('list-directories')
    .description('list directories')
    .option('--org <id|name>', 'only this organization')
    .option('--json', 'print JSON', false)
    .action((opts: { org?: string; json: boolean }) =>
      run(async (ctx) => {
        const org = opts.org ? await findOrganization(ctx, opts.org) : undefined;
        const dirs = await new DirectoryStore(await ctx.db()).list(org?.id);
        const rows = dirs.map((d) => ({ directoryId: d.id, organizationId: d.organizationId, provider: d.provider, name: d.name, status: d.status, scimBaseUrl: scimBaseUrl(ctx.config.publicUrl, d.id), createdAt: d.createdAt }));
        print(opts.json, rows, () => (rows.length ? rows.map((r) => `${r.directoryId}  ${r.provider.padEnd(9)} ${r.status.padEnd(8)} ${r.scimBaseUrl}`).join('\n') : 'No directories.'));
      }),
    );
}
