import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import path from 'node:path';
import type { Config } from '../config/config';

// int8 (bigint) columns: sequences and counts stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));

export type Db = Knex;

/** Where migrations live; knex loads the .ts files because every entry point runs under tsx. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export function migrationConfig(): Knex.MigratorConfig {
  return { directory: MIGRATIONS_DIR, loadExtensions: ['.ts'], tableName: 'knex_migrations', schemaName: 'public' };
}

/**
 * A knex instance with a pool budgeted for the process role (docs/operations.md).
 * When the app user model lives in its own schema (APP_MODEL_SCHEMA), that schema
 * comes first on the search path, so `app_users` & co. resolve there and every
 * other table in `public`. Migrations use a connection without it (`forMigrations`),
 * so new objects are always created in `public`.
 */
export function createDb(
  config: Pick<Config, 'databaseUrl' | 'databaseSsl'> & Partial<Pick<Config, 'appModelSchema'>>,
  poolMax: number,
  opts: { forMigrations?: boolean } = {},
): Db {
  const schema = config.appModelSchema ?? 'public';
  const searchPath = !opts.forMigrations && schema !== 'public' ? { options: `-c search_path=${schema},public` } : {};
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: config.databaseUrl,
      // Heroku Postgres presents certificates that do not chain to a public CA.
      ssl: config.databaseSsl ? { rejectUnauthorized: false } : false,
      application_name: 'dirsync',
      ...searchPath,
    },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    migrations: migrationConfig(),
  });
}

/** True when every migration file has been applied. */
export async function migrationsCurrent(db: Db): Promise<boolean> {
  const [, pending] = (await db.migrate.list(migrationConfig())) as [unknown[], unknown[]];
  return pending.length === 0;
}
