import type { Command } from 'commander';
import { CliError, findOrganization, print, type Run } from '../cli-context';
import { AttributeMappingStore } from '../../app-model/attribute-mapping-store';
import { AttributeReprojectionStore, type Reprojection } from '../../app-model/attribute-reprojection-store';
import { saveAttributeMapping } from '../../app-model/save-attribute-mapping';
import type { AttributeMappingEntry } from '../../app-model/attribute-mapping';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function describe(entries: readonly AttributeMappingEntry[], isDefault: boolean, r: Reprojection | undefined): string {
  const lines = entries.map((e) => `${e.name.padEnd(20)} ← ${e.path}`);
  if (isDefault) lines.push("(default mapping: nothing saved; custom extension attributes are added under their own names)");
  if (r) lines.push(r.status === 'running' ? `re-projection running: ${r.done} of ${r.total} users` : `re-projection done: ${r.total} users, ${r.finishedAt?.toISOString() ?? ''}`);
  return lines.join('\n') || 'No attributes mapped.';
}

/** attribute-mapping (read, with the re-projection's progress) and set-attribute-mapping (replace). */
export function registerAttributeMappingCommands(program: Command, run: Run): void {
  program
    .command('attribute-mapping')
    .description("show an organization's attribute mapping (SCIM path → app attribute) and the re-projection's progress")
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; json: boolean }) =>
      run(async (ctx) => {
        const db = await ctx.db();
        const org = await findOrganization(ctx, opts.org);
        const [mapping, reprojection] = await Promise.all([new AttributeMappingStore(db).get(org.id), new AttributeReprojectionStore(db).find(org.id)]);
        print(opts.json, { attributes: mapping.entries, isDefault: !mapping.saved, customExtensionAttributes: !mapping.saved, revision: mapping.revision, reprojection: reprojection ?? null }, () => describe(mapping.entries, !mapping.saved, reprojection));
      }),
    );

  program
    .command('set-attribute-mapping')
    .description("replace an organization's attribute mapping; existing users are re-projected through delivery")
    .requiredOption('--org <id|name>', 'organization id or name')
    .option('--attribute <name=path>', 'an app attribute and its SCIM path (repeat; none maps nothing)', collect, [])
    .option('--json', 'print JSON', false)
    .action((opts: { org: string; attribute: string[]; json: boolean }) =>
      run(async (ctx) => {
        const rows = opts.attribute.map((a) => {
          const i = a.indexOf('=');
          if (i < 1) throw new CliError(`--attribute must be name=path, got '${a}'`);
          return { name: a.slice(0, i), path: a.slice(i + 1) };
        });
        const org = await findOrganization(ctx, opts.org);
        const saved = await saveAttributeMapping(await ctx.db(), org.id, rows);
        if (!saved.ok) throw new CliError(`invalid attribute mapping:\n${saved.errors.map((e) => `  ${e.index !== undefined ? `--attribute #${e.index + 1} ${e.field}: ` : ''}${e.message}`).join('\n')}`);
        print(opts.json, { attributes: saved.mapping.entries, isDefault: false, customExtensionAttributes: false, revision: saved.mapping.revision, reprojection: saved.reprojection }, () => describe(saved.mapping.entries, false, saved.reprojection));
      }),
    );
}
