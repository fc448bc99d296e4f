import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';

export interface PortalSession {
  id: string;
  organizationId: string;
  csrfToken: string;
  expiresAt: Date;
}

const hashOf = (cookieValue: string): Buffer => createHash('sha256').update(cookieValue, 'utf8').digest();
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** Admin Portal sessions: one organization each, expiring; the cookie value is stored only as a hash. */
export class PortalSessionStore {
  constructor(private readonly db: Db) {}

  async create(organizationId: string, linkId: string | null, ttlSeconds: number): Promise<{ cookieValue: string; session: PortalSession }> {
    const cookieValue = randomBytes(32).toString('base64url');
    const [row] = await this.db('portal_sessions')
      .insert({
        token_hash: hashOf(cookieValue),
        organization_id: organizationId,
        link_id: linkId,
        csrf_token: randomBytes(32).toString('base64url'),
        expires_at: this.db.raw('now() + make_interval(secs => ?)', [ttlSeconds]),
      })
      .returning(['id', 'organization_id', 'csrf_token', 'expires_at']);
    // Housekeeping: expired sessions (and their nonces) go away as new ones are made.
    await this.db('portal_sessions').whereRaw(`expires_at < now() - interval '1 day'`).delete();
    return { cookieValue, session: { id: row.id, organizationId: row.organization_id, csrfToken: row.csrf_token, expiresAt: row.expires_at } };
  }

  /** The live session for a cookie value; expired or unknown gives undefined. */
  async findByCookie(cookieValue: string): Promise<PortalSession | undefined> {
    if (!COOKIE_VALUE.test(cookieValue)) return undefined;
    const row = await this.db('portal_sessions')
      .where({ token_hash: hashOf(cookieValue) })
      .andWhereRaw('expires_at > now()')
      .first('id', 'organization_id', 'csrf_token', 'expires_at');
    return row ? { id: row.id, organizationId: row.organization_id, csrfToken: row.csrf_token, expiresAt: row.expires_at } : undefined;
  }

  async delete(id: string): Promise<void> {
    await this.db('portal_sessions').where({ id }).delete();
  }

  /** Records a one-time form nonce; false when it was used before (a reloaded POST). */
  async useNonce(sessionId: string, nonce: string): Promise<boolean> {
    const rows = await this.db('portal_form_nonces').insert({ nonce, session_id: sessionId }).onConflict('nonce').ignore().returning('nonce');
    return rows.length === 1;
  }
}
