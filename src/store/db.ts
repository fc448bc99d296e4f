import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import type { Config } from '../config/config';

// int8 (bigint) columns: sequences and counts stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));

export type Db = Knex;

/** What a store is constructed with: the pool, or a transaction when the caller runs several statements atomically. */
export type Queryable = Knex | Knex.Transaction;

/** Where migrations live: migrations/*.ts from source (tsx), dist/migrations/*.js once built (`npm run build`). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export function migrationConfig(): Knex.MigratorConfig {
  return { migrationSource: new MigrationFiles(MIGRATIONS_DIR), tableName: 'knex_migrations', schemaName: 'public' };
}

interface MigrationFile {
  file: string;
}

/**
 * Loads the migrations of the running flavour (.ts under tsx, .js when compiled)
 * but names each by its source file (`…_core_schema.ts`), the name every database
 * has recorded in knex_migrations, so a database migrated from source and one
 * migrated from dist/ agree on what has been applied.
 */
class MigrationFiles implements Knex.MigrationSource<MigrationFile> {
  private readonly ext = path.extname(__filename) === '.ts' ? '.ts' : '.js';

  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<MigrationFile[]> {
    const files = await readdir(this.dir);
    return files
      .filter((f) => path.extname(f) === this.ext && !f.endsWith('.d.ts'))
      .sort()
      .map((file) => ({ file }));
  }

  getMigrationName(m: MigrationFile): string {
    return `${path.basename(m.file, this.ext)}.ts`;
  }

  getMigration(m: MigrationFile): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- knex migrations are CommonJS modules loaded at run time.
    return Promise.resolve(require(path.join(this.dir, m.file)) as Knex.Migration);
  }
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

/** One trivial query: is PostgreSQL answering on this pool? (startup preflight, readiness) */
export async function pingDatabase(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** `pg_notify` through the pool (the change listener's heartbeat to itself). */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await db.raw('SELECT pg_notify(?, ?)', [channel, payload]);
}
