import type { Knex } from 'knex';

/**
 * The deprovisioning circuit breaker (docs/circuit-breaker.md).
 *
 * - `breaker_settings`: per-directory thresholds; a NULL column means "the global
 *   default" (BREAKER_* variables), so changing a default reaches every directory
 *   that did not choose its own. `counted_from` restarts the sliding window after a
 *   release or a discard, so the same events never trip the breaker twice.
 * - `breaker_marks`: one row per destructive change the sequencer saw (held or
 *   not): what the sliding window counts, by subject (a user, or a deleted group).
 * - `holds`, `hold_events`, `hold_people`: a hold, the events it keeps back (the
 *   destructive ones and the later events of the same resources, which must wait
 *   behind them), and the people who would lose access with the roles they would
 *   lose (kept effective in the app model while the hold preserves them).
 * - `events.held_by`: set by the sequencer in the transaction that numbers the
 *   event, so every drain sees the decision together with the sequence number.
 *   Held events are delivered to no sink and not shown by the events API.
 * - `events.released_from`: a release appends a copy of each held event (new id,
 *   new sequence number), which every sink then receives in order through the
 *   normal drains; the breaker never judges such a copy again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('breaker_settings', (t) => {
    t.uuid('directory_id').primary().references('directories.id').onDelete('CASCADE');
    t.boolean('enabled');
    t.integer('window_seconds');
    t.integer('min_count');
    t.decimal('min_percent', 5, 2);
    t.timestamp('counted_from', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('holds', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.text('status').notNullable().defaultTo('held');
    t.integer('deactivations').notNullable().defaultTo(0);
    t.integer('deletions').notNullable().defaultTo(0);
    t.integer('role_removals').notNullable().defaultTo(0);
    t.integer('group_deletions').notNullable().defaultTo(0);
    t.integer('cancelled').notNullable().defaultTo(0);
    t.timestamp('first_at', { useTz: true }).notNullable();
    t.timestamp('last_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.text('closed_by');
    t.index(['directory_id', 'created_at']);
  });
  await knex.raw(`ALTER TABLE holds ADD CONSTRAINT holds_status_check CHECK (status IN ('held', 'released', 'discarded'))`);
  // At most one open hold per directory: new destructive events join it.
  await knex.raw(`CREATE UNIQUE INDEX holds_one_open_uq ON holds (directory_id) WHERE status = 'held'`);

  await knex.schema.createTable('hold_events', (t) => {
    t.uuid('event_id').primary().references('events.id').onDelete('CASCADE');
    t.uuid('hold_id').notNullable().references('holds.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable();
    t.bigInteger('seq').notNullable();
    t.text('resource_type').notNullable();
    t.uuid('resource_id').notNullable();
    // NULL: not destructive itself, held only to stay behind the resource's held event.
    t.text('kind');
    // A later change undid it (a reactivation): never delivered, not listed.
    t.boolean('cancelled').notNullable().defaultTo(false);
    t.index(['hold_id', 'seq']);
    t.index(['resource_id']);
  });

  await knex.schema.createTable('hold_people', (t) => {
    t.uuid('hold_id').notNullable().references('holds.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable();
    t.uuid('organization_id').notNullable();
    t.uuid('directory_id').notNullable();
    t.text('user_name');
    t.specificType('kinds', 'text[]').notNullable().defaultTo('{}');
    // The app roles this person would lose; kept in the app model while `preserve`.
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    // True while the hold is open, and after a discard until a newer change of the person is delivered.
    t.boolean('preserve').notNullable().defaultTo(true);
    t.boolean('cancelled').notNullable().defaultTo(false);
    t.primary(['hold_id', 'user_id']);
  });
  await knex.raw('CREATE INDEX hold_people_preserved_ix ON hold_people (user_id) WHERE preserve AND NOT cancelled');
  // The sequencer asks, per directory and round, whether any hold still protects someone.
  await knex.raw('CREATE INDEX hold_people_directory_ix ON hold_people (directory_id) WHERE preserve AND NOT cancelled');

  await knex.schema.createTable('breaker_marks', (t) => {
    t.uuid('event_id').primary().references('events.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.text('subject').notNullable();
    t.text('kind').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['directory_id', 'at']);
  });

  await knex.raw('ALTER TABLE events ADD COLUMN held_by uuid');
  // A release re-issues the held events as new outbox events; this names the original.
  await knex.raw('ALTER TABLE events ADD COLUMN released_from uuid');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE events DROP COLUMN IF EXISTS released_from');
  await knex.raw('ALTER TABLE events DROP COLUMN IF EXISTS held_by');
  await knex.schema.dropTableIfExists('breaker_marks');
  await knex.schema.dropTableIfExists('hold_people');
  await knex.schema.dropTableIfExists('hold_events');
  await knex.schema.dropTableIfExists('holds');
  await knex.schema.dropTableIfExists('breaker_settings');
}
