import type { Knex } from 'knex';

/**
 * Admin Portal: single-use signed links, organization-scoped sessions, form
 * nonces (a reloaded "Configure"/"Rotate" never re-runs nor re-shows a token),
 * the development signing secret, and the indexes the portal's pages need to
 * stay fast on 100k users (contains-search, last error).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portal_links', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['organization_id']);
  });

  await knex.schema.createTable('portal_sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // SHA-256 of the cookie value: a database read does not yield a usable session.
    t.binary('token_hash').notNullable().unique();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('link_id').references('portal_links.id').onDelete('SET NULL');
    t.text('csrf_token').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });

  await knex.schema.createTable('portal_form_nonces', (t) => {
    t.text('nonce').primary();
    t.uuid('session_id').notNullable().references('portal_sessions.id').onDelete('CASCADE');
    t.timestamp('used_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Development only (PORTAL_SECRET unset): one random key shared by the server and the CLI.
  await knex.schema.createTable('portal_secrets', (t) => {
    t.smallint('id').primary();
    t.text('secret').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Contains-search on userName / displayName / email without scanning the directory.
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw(`CREATE INDEX users_portal_search_trgm_ix ON users USING gin ((lower(user_name || ' ' || coalesce(display_name, '') || ' ' || coalesce(primary_email, ''))) gin_trgm_ops)`);
  await knex.raw(`CREATE INDEX groups_portal_search_trgm_ix ON groups USING gin (lower(display_name) gin_trgm_ops)`);
  // "Last error" on the status card: the newest failed operation without walking the log.
  await knex.raw('CREATE INDEX operations_directory_errors_ix ON operations (directory_id, applied_at DESC) WHERE status >= 400');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS operations_directory_errors_ix');
  await knex.raw('DROP INDEX IF EXISTS groups_portal_search_trgm_ix');
  await knex.raw('DROP INDEX IF EXISTS users_portal_search_trgm_ix');
  for (const table of ['portal_secrets', 'portal_form_nonces', 'portal_sessions', 'portal_links']) await knex.schema.dropTableIfExists(table);
}
