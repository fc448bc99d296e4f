import type { Knex } from 'knex';

/**
 * Delivery (docs/architecture.md, G4 and G5) and the built-in app user model (docs/app-user-model.md).
 * - sinks: where an organization's events go (the built-in app model, webhooks);
 * - deliveries: one row per (event, sink) once a delivery was attempted; `delivered_at`
 *   is the PostgreSQL fact the sweeper relies on (no row or `pending` = not delivered);
 * - dead_letters: deliveries that exhausted their attempts or failed permanently;
 * - role_mappings: directory group name → app role, per organization;
 * - reconcile_reports: drift found between the directory and the app model;
 * - app_users / app_groups / app_memberships: the integration contract.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sinks', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('url');
    // `whsec_<base64>`, encrypted when DELIVERY_SECRET_KEY is set (see webhook-secret.ts).
    t.text('secret');
    t.integer('timeout_ms').notNullable().defaultTo(10_000);
    t.boolean('enabled').notNullable().defaultTo(true);
    // Events that occurred before this instant are not delivered to the sink.
    t.timestamp('deliver_from', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organization_id']);
  });
  await knex.raw(`ALTER TABLE sinks ADD CONSTRAINT sinks_kind_ck CHECK (kind IN ('app_model','webhook'))`);
  await knex.raw(`CREATE UNIQUE INDEX sinks_one_app_model_uq ON sinks (organization_id) WHERE kind = 'app_model'`);

  await knex.schema.createTable('deliveries', (t) => {
    t.uuid('event_id').notNullable().references('events.id').onDelete('CASCADE');
    t.uuid('sink_id').notNullable().references('sinks.id').onDelete('CASCADE');
    t.uuid('organization_id').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status');
    t.text('last_error');
    t.timestamp('next_attempt_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['event_id', 'sink_id']);
  });
  await knex.raw(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_ck CHECK (status IN ('pending','delivered','dead'))`);
  await knex.raw(`CREATE INDEX deliveries_pending_ix ON deliveries (next_attempt_at) WHERE status = 'pending'`);

  await knex.schema.createTable('dead_letters', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('event_id').notNullable().references('events.id').onDelete('CASCADE');
    t.uuid('sink_id').notNullable().references('sinks.id').onDelete('CASCADE');
    t.integer('attempts').notNullable();
    t.integer('last_status');
    t.text('error').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('replayed_at', { useTz: true });
    t.index(['organization_id', 'created_at']);
  });

  await knex.schema.createTable('role_mappings', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('group_name').notNullable();
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX role_mappings_uq ON role_mappings (organization_id, lower(group_name), role)');

  await knex.schema.createTable('reconcile_reports', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.text('trigger').notNullable();
    t.boolean('repair').notNullable();
    t.integer('drift_count').notNullable();
    t.jsonb('report').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['directory_id', 'finished_at']);
  });

  // The app user model. No foreign keys to the directory tables: it is the app's side,
  // applied from events that may arrive late, twice or out of order.
  await knex.schema.createTable('app_users', (t) => {
    t.uuid('directory_user_id').primary();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable();
    t.text('user_name').notNullable();
    t.text('email');
    t.text('given_name');
    t.text('family_name');
    t.text('display_name');
    t.text('external_id');
    t.text('status').notNullable();
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    t.integer('version').notNullable();
    t.timestamp('deleted_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organization_id']);
    t.index(['directory_id']);
  });
  await knex.raw(`ALTER TABLE app_users ADD CONSTRAINT app_users_status_ck CHECK (status IN ('active','suspended'))`);

  await knex.schema.createTable('app_groups', (t) => {
    t.uuid('directory_group_id').primary();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable();
    t.text('name').notNullable();
    t.text('external_id');
    t.integer('version').notNullable();
    t.timestamp('deleted_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['directory_id']);
  });

  await knex.schema.createTable('app_memberships', (t) => {
    t.uuid('directory_group_id').notNullable();
    t.uuid('directory_user_id').notNullable();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable();
    // false = removed (kept as a tombstone so a late `user_added` cannot resurrect it).
    t.boolean('present').notNullable();
    // The group's version when this membership last changed.
    t.integer('version').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['directory_group_id', 'directory_user_id']);
    t.index(['directory_user_id']);
    t.index(['directory_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['app_memberships', 'app_groups', 'app_users', 'reconcile_reports', 'role_mappings', 'dead_letters', 'deliveries', 'sinks']) {
    await knex.schema.dropTableIfExists(table);
  }
}
