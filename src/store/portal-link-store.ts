import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { isUuid } from '../common/uuid';

export interface PortalLinkRecord {
  id: string;
  organizationId: string;
  expiresAt: Date;
}

/** Why a link could not be exchanged for a session. */
export type LinkRefusal = 'unknown' | 'expired' | 'used';

/** Admin Portal links: issued by the app owner, exchanged once for a session. */
export class PortalLinkStore {
  constructor(private readonly db: Db) {}

  async create(organizationId: string, ttlSeconds: number): Promise<PortalLinkRecord> {
    const id = randomUUID();
    const [row] = await this.db('portal_links')
      .insert({ id, organization_id: organizationId, expires_at: this.db.raw(`date_trunc('second', now()) + make_interval(secs => ?)`, [ttlSeconds]) })
      .returning(['id', 'organization_id', 'expires_at']);
    return { id: row.id, organizationId: row.organization_id, expiresAt: row.expires_at };
  }

  /** Whether the link could still be exchanged (no side effect): for the page that asks to continue. */
  async check(id: string, organizationId: string): Promise<LinkRefusal | undefined> {
    if (!isUuid(id)) return 'unknown';
    const row = await this.db('portal_links').where({ id, organization_id: organizationId }).first('used_at', this.db.raw('expires_at <= now() as expired'));
    if (!row) return 'unknown';
    if (row.used_at) return 'used';
    return row.expired ? 'expired' : undefined;
  }

  /** Marks the link used, atomically: of two concurrent exchanges only one wins. */
  async consume(id: string, organizationId: string): Promise<LinkRefusal | undefined> {
    if (!isUuid(id)) return 'unknown';
    const n = await this.db('portal_links')
      .where({ id, organization_id: organizationId })
      .whereNull('used_at')
      .andWhereRaw('expires_at > now()')
      .update({ used_at: this.db.fn.now() });
    return n === 1 ? undefined : ((await this.check(id, organizationId)) ?? 'used');
  }
}
