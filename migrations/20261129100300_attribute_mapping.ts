import type { Knex } from 'knex';

/**
 * Attribute mapping (docs/app-user-model.md, "Attributes"):
 * - `app_users.attributes`: the user's app attributes, projected from SCIM attribute
 *   paths by the organization's mapping. The table may already live in the app's own
 *   schema (APP_MODEL_SCHEMA moved it), so it is found by name, not assumed in `public`.
 * - `attribute_mappings`: one row per organization that saved a mapping (no row: the
 *   default enterprise mapping applies). `entries` is the ordered list `[{name, path}]`;
 *   `revision` counts saves.
 * - `attribute_reprojections`: after a save, every user of the organization's
 *   directories gets a `user.attributes_changed` outbox event, in batches. One row per
 *   organization holds the progress (a keyset position over users by (directory_id,
 *   seq), done/total) so a large directory is re-projected in bounded transactions and
 *   a restart resumes where it stopped.
 */
export async function up(knex: Knex): Promise<void> {
  const row = (await knex.raw(`SELECT schemaname FROM pg_tables WHERE tablename = 'app_users' ORDER BY schemaname = 'public' DESC LIMIT 1`)) as { rows: { schemaname: string }[] };
  const schema = row.rows[0]?.schemaname ?? 'public';
  await knex.raw(`ALTER TABLE ??.app_users ADD COLUMN IF NOT EXISTS attributes jsonb NOT NULL DEFAULT '{}'::jsonb`, [schema]);

  await knex.schema.createTable('attribute_mappings', (t) => {
    t.uuid('organization_id').primary().references('organizations.id').onDelete('CASCADE');
    t.jsonb('entries').notNullable();
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('attribute_reprojections', (t) => {
    t.uuid('organization_id').primary().references('organizations.id').onDelete('CASCADE');
    t.text('status').notNullable();
    // The mapping revision this run projects (a newer save restarts the run).
    t.integer('revision').notNullable();
    t.uuid('after_directory_id');
    t.bigInteger('after_seq');
    t.integer('done').notNullable().defaultTo(0);
    t.integer('total').notNullable().defaultTo(0);
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE attribute_reprojections ADD CONSTRAINT attribute_reprojections_status_ck CHECK (status IN ('running','done'))`);
  // The runner looks for running rows only.
  await knex.raw(`CREATE INDEX attribute_reprojections_running_ix ON attribute_reprojections (updated_at) WHERE status = 'running'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('attribute_reprojections');
  await knex.schema.dropTableIfExists('attribute_mappings');
  const row = (await knex.raw(`SELECT schemaname FROM pg_tables WHERE tablename = 'app_users' LIMIT 1`)) as { rows: { schemaname: string }[] };
  await knex.raw(`ALTER TABLE ??.app_users DROP COLUMN IF EXISTS attributes`, [row.rows[0]?.schemaname ?? 'public']);
}
