import type { Db } from '../store/db';

/** The tables of the app user model: the integration contract (docs/app-user-model.md). */
export const APP_MODEL_TABLES = ['app_users', 'app_groups', 'app_memberships'] as const;

/**
 * Puts the app user model tables into `schema` (idempotent; run by `release` and
 * `npm start` after migrations). Migrations create them in `public`; an app that
 * wants them beside its own tables sets APP_MODEL_SCHEMA and they move there, with
 * their data, indexes and constraints. Back to `public` works the same way.
 */
export async function ensureAppModelSchema(db: Db, schema: string): Promise<string[]> {
  const moved: string[] = [];
  if (schema !== 'public') await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  for (const table of APP_MODEL_TABLES) {
    const row = await db('pg_tables').where({ tablename: table }).whereIn('schemaname', ['public', schema]).whereNot({ schemaname: schema }).first('schemaname');
    if (row) {
      await db.raw('ALTER TABLE ??.?? SET SCHEMA ??', [row.schemaname as string, table, schema]);
      moved.push(`${row.schemaname as string}.${table} → ${schema}`);
    }
  }
  return moved;
}
