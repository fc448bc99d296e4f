import { randomBytes } from 'node:crypto';
import type { Db } from './db';

/**
 * The development portal-signing key (PORTAL_SECRET unset outside production):
 * created once and kept in the database so `npx dirsync portal-link` and the
 * running server sign and verify with the same key, across restarts.
 */
export async function loadDevelopmentPortalSecret(db: Db): Promise<string> {
  await db('portal_secrets').insert({ id: 1, secret: randomBytes(32).toString('base64url') }).onConflict('id').ignore();
  const row = await db('portal_secrets').where({ id: 1 }).first('secret');
  return String(row.secret);
}
