import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Config } from '../../config/config';
import type { Organization } from '../../store/organization-store';
import { OrganizationStore } from '../../store/organization-store';
import type { PortalSession } from '../../store/portal-session-store';
import { PortalSessionStore } from '../../store/portal-session-store';
import type { Db } from '../../store/db';

export const PORTAL_COOKIE = 'dirsync_portal';

/** A refusal shown to a person as a plain HTML page with this status. */
export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

export interface PortalState {
  session: PortalSession;
  organization: Organization;
}

export const portalState = (ctx: Context): PortalState => ctx.state.portal as PortalState;

/** HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS (ctx.secure honours X-Forwarded-Proto from TRUST_PROXY trusted hops). */
export function setSessionCookie(ctx: Context, value: string, expiresAt: Date): void {
  ctx.cookies.set(PORTAL_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/portal', expires: expiresAt, overwrite: true });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(PORTAL_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/portal', expires: new Date(0), overwrite: true });
}

const SESSION_ENDED = new PortalError(401, 'Your session has ended', 'Admin Portal sessions expire after a few hours. Ask the app owner for a new Admin Portal link.');

/** Loads the session and its organization onto ctx.state.portal, or refuses with 401. */
export function requirePortalSession(db: Db): Middleware {
  const sessions = new PortalSessionStore(db);
  const orgs = new OrganizationStore(db);
  return async (ctx, next) => {
    const cookie = ctx.cookies.get(PORTAL_COOKIE);
    const session = cookie ? await sessions.findByCookie(cookie) : undefined;
    const organization = session ? await orgs.find(session.organizationId) : undefined;
    if (!session || !organization) {
      if (cookie) clearSessionCookie(ctx);
      throw SESSION_ENDED;
    }
    ctx.state.portal = { session, organization } satisfies PortalState;
    await next();
  };
}

/** The request's Origin (or Referer's origin) must be ours; absent both, only the token decides. */
export function sameOrigin(ctx: Context, config: Config): boolean {
  // Our origin as configured, or as this request reached us (protocol honours X-Forwarded-Proto). Not ctx.origin: Koa 3 reads that from the Origin header.
  const allowed = new Set([new URL(config.publicUrl).origin, `${ctx.protocol}://${ctx.host}`]);
  const origin = ctx.get('origin');
  if (origin) return allowed.has(origin);
  const referer = ctx.get('referer');
  if (!referer) return true;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

const CSRF_REFUSED = new PortalError(403, 'This action was refused', 'The form was not submitted from the Admin Portal, or it is out of date. Go back, reload the page and try again.');

/** Constant-time string comparison. */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Synchronizer-token CSRF check for every state-changing portal request (form field `_csrf` or header X-CSRF-Token), plus the Origin check. */
export function requireCsrf(config: Config): Middleware {
  return async (ctx, next) => {
    const { session } = portalState(ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const presented = typeof body['_csrf'] === 'string' ? body['_csrf'] : ctx.get('x-csrf-token');
    if (!sameOrigin(ctx, config) || !presented || !tokensEqual(presented, session.csrfToken)) throw CSRF_REFUSED;
    await next();
  };
}

/** A form field as a string (forms only ever send strings; anything else counts as missing). */
export function formField(ctx: Context, name: string): string | undefined {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}
