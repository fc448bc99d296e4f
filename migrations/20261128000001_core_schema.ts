import type { Knex } from 'knex';

/**
 * Core schema: tenants, directories and their tokens, the SCIM resources as
 * received, the SCIM write log (operations) and the outbox (events).
 * Resources keep the whole SCIM document in `doc` (jsonb) so extension
 * attributes round-trip; the columns beside it are what filters and
 * uniqueness use, each with its index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pgcrypto');

  await knex.schema.createTable('organizations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.boolean('directory_sync_enabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX organizations_name_lower_uq ON organizations (lower(name))');

  await knex.schema.createTable('directories', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('provider').notNullable();
    t.text('name').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organization_id']);
  });
  await knex.raw(`ALTER TABLE directories ADD CONSTRAINT directories_provider_ck CHECK (provider IN ('okta','entra','onelogin','jumpcloud','generic'))`);
  await knex.raw(`ALTER TABLE directories ADD CONSTRAINT directories_status_ck CHECK (status IN ('active','disabled'))`);

  await knex.schema.createTable('directory_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    // SHA-256 of the token: tokens carry 256 random bits, so a fast hash is enough.
    t.binary('token_hash').notNullable().unique();
    t.text('prefix').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['directory_id']);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.bigIncrements('seq', { primaryKey: false });
    t.text('user_name').notNullable();
    t.text('external_id');
    t.text('display_name');
    t.boolean('active').notNullable().defaultTo(true);
    t.text('primary_email');
    t.jsonb('doc').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // userName is caseExact:false (RFC 7643 §4.1.1, docs/okta.md §4): uniqueness is case-insensitive.
  await knex.raw('CREATE UNIQUE INDEX users_directory_user_name_uq ON users (directory_id, lower(user_name))');
  await knex.raw('CREATE INDEX users_directory_external_id_ix ON users (directory_id, external_id)');
  await knex.raw('CREATE INDEX users_directory_email_ix ON users (directory_id, lower(primary_email))');
  await knex.raw('CREATE INDEX users_directory_seq_ix ON users (directory_id, seq)');

  await knex.schema.createTable('groups', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.bigIncrements('seq', { primaryKey: false });
    t.text('display_name').notNullable();
    t.text('external_id');
    t.jsonb('doc').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX groups_directory_display_name_ix ON groups (directory_id, lower(display_name))');
  await knex.raw('CREATE INDEX groups_directory_external_id_ix ON groups (directory_id, external_id)');
  await knex.raw('CREATE INDEX groups_directory_seq_ix ON groups (directory_id, seq)');

  await knex.schema.createTable('group_members', (t) => {
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.uuid('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['group_id', 'user_id']);
    t.index(['user_id']);
  });

  // The SCIM write log: idempotency (id = BullMQ job id), audit, the portal's activity view.
  await knex.schema.createTable('operations', (t) => {
    t.uuid('id').primary();
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.text('request_id');
    t.text('method').notNullable();
    t.text('resource_type').notNullable();
    t.uuid('resource_id');
    t.text('summary').notNullable();
    t.integer('status').notNullable();
    t.text('scim_type');
    t.text('detail');
    t.jsonb('response');
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('applied_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('queue_ms').notNullable();
    t.integer('apply_ms').notNullable();
    t.integer('attempts').notNullable().defaultTo(1);
  });
  await knex.raw('CREATE INDEX operations_directory_applied_ix ON operations (directory_id, applied_at DESC)');

  // Requests answered 503 (no result in time): Okta's identical retry is mapped back to the
  // original operation so it gets the original outcome, not a duplicate or a spurious 409.
  await knex.schema.createTable('replay_markers', (t) => {
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.text('fingerprint').notNullable();
    t.uuid('operation_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['directory_id', 'fingerprint']);
  });

  // Per-directory event sequence; the row lock taken at the end of each write transaction
  // makes sequence order equal commit order, so a poller following the cursor never skips.
  await knex.schema.createTable('event_sequences', (t) => {
    t.uuid('directory_id').primary().references('directories.id').onDelete('CASCADE');
    t.bigInteger('last_seq').notNullable().defaultTo(0);
  });

  // The outbox: written in the same transaction as the change it describes.
  await knex.schema.createTable('events', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('directory_id').notNullable().references('directories.id').onDelete('CASCADE');
    t.bigInteger('seq').notNullable();
    t.text('type').notNullable();
    t.text('resource_type').notNullable();
    t.uuid('resource_id').notNullable();
    t.integer('resource_version').notNullable();
    t.uuid('operation_id');
    t.jsonb('data').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['directory_id', 'seq']);
    t.index(['organization_id', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['events', 'event_sequences', 'replay_markers', 'operations', 'group_members', 'groups', 'users', 'directory_tokens', 'directories', 'organizations']) {
    await knex.schema.dropTableIfExists(table);
  }
}
