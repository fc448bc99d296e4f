import type { Knex } from 'knex';

/**
 * Directory health (docs/admin-portal.md, "Rejected requests" and "Health"):
 * - scim_rejections: every 4xx a directory's authenticated SCIM client got: time,
 *   method, path (ids only), status, scimType, a value-free detail and the attribute
 *   or PATCH path at fault. Never a value, a token or a body. Written in batches by
 *   each web process (src/http/scim/scim-health-recorder.ts); pruned after
 *   RETENTION_REJECTIONS_DAYS and capped per directory by the retention job.
 * - scim_request_counts: per directory and hour, all SCIM requests and the 4xx among
 *   them (upserted in batches), for the 4xx share over 1 h and 24 h.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_rejections', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.integer('status').notNullable();
    t.text('scim_type');
    t.text('detail').notNullable();
    t.text('attribute');
    t.text('request_id');
  });
  // The portal's and the API's newest-first pages, the cap (newest N kept) and the age pruning.
  await knex.raw('CREATE INDEX scim_rejections_directory_at_ix ON scim_rejections (directory_id, at DESC, id DESC)');

  await knex.schema.createTable('scim_request_counts', (t) => {
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.timestamp('hour', { useTz: true }).notNullable();
    t.integer('total').notNullable().defaultTo(0);
    t.integer('rejected').notNullable().defaultTo(0);
    t.primary(['directory_id', 'hour']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('scim_request_counts');
  await knex.schema.dropTableIfExists('scim_rejections');
}
