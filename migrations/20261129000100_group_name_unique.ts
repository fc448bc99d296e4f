import type { Knex } from 'knex';

/**
 * Group `displayName` becomes unique per directory, case-insensitively, enforced by a
 * unique index (docs/providers.md "Group names are unique"): Okta links pushed groups
 * by name, JumpCloud takes over an existing group whose name matches, and Entra's
 * validator expects 409 `uniqueness` for a duplicate. The index replaces the plain
 * lookup index on the same expression, so filters by displayName keep their index.
 *
 * Existing duplicates are never merged, renamed or dropped here: the migration lists
 * them and refuses, so an operator decides what each group should become.
 */
const MAX_LISTED = 50;

interface DuplicateRow {
  directory_id: string;
  name: string;
  ids: string[];
  names: string[];
}

export async function up(knex: Knex): Promise<void> {
  // SHARE mode blocks writes to groups until the migration commits, so no duplicate
  // can slip in between the check and the index build.
  await knex.raw('LOCK TABLE groups IN SHARE MODE');
  const result = await knex.raw(`
    SELECT directory_id, lower(display_name) AS name,
           array_agg(id::text ORDER BY created_at, id) AS ids,
           array_agg(display_name ORDER BY created_at, id) AS names
    FROM groups
    GROUP BY directory_id, lower(display_name)
    HAVING count(*) > 1
    ORDER BY directory_id, lower(display_name)`);
  const duplicates = result.rows as DuplicateRow[];
  if (duplicates.length > 0) throw new Error(duplicateReport(duplicates));
  await knex.raw('CREATE UNIQUE INDEX groups_directory_display_name_uq ON groups (directory_id, lower(display_name))');
  await knex.raw('DROP INDEX IF EXISTS groups_directory_display_name_ix');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS groups_directory_display_name_ix ON groups (directory_id, lower(display_name))');
  await knex.raw('DROP INDEX IF EXISTS groups_directory_display_name_uq');
}

function duplicateReport(duplicates: DuplicateRow[]): string {
  const lines = duplicates.slice(0, MAX_LISTED).map(
    (d) => `  directory ${d.directory_id}: displayName ${JSON.stringify(d.names[0])} is used by ${d.ids.length} groups: ${d.ids.map((id, i) => `${id} (${JSON.stringify(d.names[i])})`).join(', ')}`,
  );
  const more = duplicates.length > MAX_LISTED ? [`  … and ${duplicates.length - MAX_LISTED} more duplicate names`] : [];
  return [
    `Migration 20261129000100_group_name_unique refused: ${duplicates.length} group displayName(s) are used more than once in the same directory (compared case-insensitively).`,
    'Group names must be unique per directory before this migration can add its unique index. Nothing was changed.',
    ...lines,
    ...more,
    'To fix: for each name above, keep one group and rename or delete the others, preferably in the identity provider',
    '(rename the group there and let it push the change, or unassign the duplicate), or with a SCIM PATCH/DELETE on the directory.',
    'Find duplicates again with:',
    '  SELECT directory_id, lower(display_name), array_agg(id) FROM groups GROUP BY 1, 2 HAVING count(*) > 1;',
    'Then run the release step (npm run release) again.',
  ].join('\n');
}
