import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import { PortalLinkStore } from '../store/portal-link-store';
import { portalSecret } from './portal-secret';

/** What a portal link carries: which link row, which organization, until when (unix seconds). */
export interface PortalLinkClaims {
  linkId: string;
  organizationId: string;
  expiresAt: number;
}

export interface IssuedPortalLink {
  linkId: string;
  organizationId: string;
  url: string;
  expiresAt: Date;
}

const sign = (secret: string, payload: string): string => createHmac('sha256', secret).update(`dirsync-portal-link.v1.${payload}`).digest('base64url');

/** `<payload>.<HMAC-SHA256>`: tamper-evident; the link row in PostgreSQL makes it single-use. */
export function signLinkToken(secret: string, claims: PortalLinkClaims): string {
  const payload = Buffer.from(JSON.stringify({ l: claims.linkId, o: claims.organizationId, e: claims.expiresAt })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** The claims of a correctly signed token, or undefined (tampered, truncated, other key). Expiry is the caller's check. */
export function verifyLinkToken(secret: string, token: string): PortalLinkClaims | undefined {
  const m = /^([A-Za-z0-9_-]{10,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m?.[1] || !m[2]) return undefined;
  const expected = Buffer.from(sign(secret, m[1]));
  const presented = Buffer.from(m[2]);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { l?: unknown; o?: unknown; e?: unknown };
    if (typeof raw.l !== 'string' || typeof raw.o !== 'string' || typeof raw.e !== 'number') return undefined;
    return { linkId: raw.l, organizationId: raw.o, expiresAt: raw.e };
  } catch {
    return undefined;
  }
}

export const portalEnterPath = '/portal/enter';

/** Issues a single-use, short-lived link that opens the Admin Portal for one organization. */
export async function issuePortalLink(config: Config, db: Db, organizationId: string, ttlSeconds = config.portal.linkTtlSeconds): Promise<IssuedPortalLink> {
  const secret = await portalSecret(config, db);
  const link = await new PortalLinkStore(db).create(organizationId, ttlSeconds);
  const token = signLinkToken(secret, { linkId: link.id, organizationId, expiresAt: Math.floor(link.expiresAt.getTime() / 1000) });
  return { linkId: link.id, organizationId, url: `${config.publicUrl}${portalEnterPath}?token=${token}`, expiresAt: link.expiresAt };
}
