import type { Db } from '../store/db';
import { AppModelStore } from './app-model-store';

/** The tables of the app user model: the integration contract (docs/app-user-model.md). */
export const APP_MODEL_TABLES = ['app_users', 'app_groups', 'app_memberships'] as const;

/**
 * Puts the app user model tables into `schema` (idempotent; run by `release` and
 * `npm start` after migrations). Migrations create them in `public`; an app that
 * wants them beside its own tables sets APP_MODEL_SCHEMA and they move there, with
 * their data, indexes and constraints. Back to `public` works the same way.
 */
export async function ensureAppModelSchema(db: Db, schema: string): Promise<string[]> {
  return new AppModelStore(db).moveTablesToSchema(APP_MODEL_TABLES, schema);
}
