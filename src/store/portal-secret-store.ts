import type { Queryable } from './db';
import { randomBytes } from 'node:crypto';

export class PortalSecretStore {
  constructor(private readonly db: Queryable) {}

  /**
   * The development portal-signing key (PORTAL_SECRET unset outside production):
   * created once and kept in the database so `npx dirsync portal-link` and the
   * running server sign and verify with the same key, across restarts.
   */
  async loadDevelopmentPortalSecret(): Promise<string> {
    await this.db('portal_secrets').insert({ id: 1, secret: randomBytes(32).toString('base64url') }).onConflict('id').ignore();
    const row = await this.db('portal_secrets').where({ id: 1 }).first('secret');
    return String(row.secret);
  }
}
