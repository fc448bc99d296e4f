import type { Knex } from 'knex';

/**
 * Retention (docs/operations.md, "Retention"): the pruner deletes old rows of
 * `events`, `operations`, `deliveries`, `dead_letters` and `replay_markers` in small
 * batches. This table records, per directory, the highest event `seq` it has
 * deleted. The events API compares a client's cursor with it: a cursor below it may
 * have missed pruned events and is answered 410 Gone, instead of silently skipping
 * them. (The smallest retained seq cannot tell this: events still referenced by a
 * dead letter are kept, so holes can sit above an old retained event.)
 *
 * No index is added to the write path's tables: the pruner walks `events` by the
 * (directory_id, seq) index and `operations` by the (directory_id, applied_at) index
 * it already has; `deliveries`, `dead_letters` and `replay_markers` stay small.
 * `dead_letters.event_id` gets an index: deleting an event checks it (the pruner's
 * own test and the ON DELETE CASCADE), which would otherwise scan the whole table
 * once per deleted event. Dead letters are written rarely, so it costs writes nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_retention_horizons', (t) => {
    t.uuid('directory_id').primary().references('directories.id').onDelete('CASCADE');
    // Every event of the directory with seq <= this may have been pruned.
    t.bigInteger('pruned_through').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX IF NOT EXISTS dead_letters_event_ix ON dead_letters (event_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dead_letters_event_ix');
  await knex.schema.dropTableIfExists('event_retention_horizons');
}
