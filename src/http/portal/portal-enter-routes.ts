import type Router from '@koa/router';
import type { Context } from 'koa';
import { OrganizationStore } from '../../store/organization-store';
import { PortalLinkStore, type LinkRefusal } from '../../store/portal-link-store';
import { PortalSessionStore } from '../../store/portal-session-store';
import { verifyLinkToken, type PortalLinkClaims } from '../../portal-access/portal-link';
import { portalSecret } from '../../portal-access/portal-secret';
import { enterPage, messagePage } from './pages/message-pages';
import type { PortalDeps } from './portal-deps';
import { PORTAL_COOKIE, PortalError, clearSessionCookie, formField, sameOrigin, setSessionCookie, tokensEqual } from './portal-session';

const REFUSALS: Record<LinkRefusal | 'invalid', PortalError> = {
  invalid: new PortalError(400, 'This link is not valid', 'The Admin Portal link is incomplete or has been altered. Copy the whole link from the message you received, or ask the app owner for a new one.'),
  unknown: new PortalError(400, 'This link is not valid', 'The Admin Portal link is incomplete or has been altered. Copy the whole link from the message you received, or ask the app owner for a new one.'),
  expired: new PortalError(410, 'This link has expired', 'Admin Portal links work for a short time only. Ask the app owner for a new link.'),
  used: new PortalError(410, 'This link has already been used', 'Each Admin Portal link opens the portal once. Ask the app owner for a new link.'),
};

/** Signature first (no database work for forged links), then the expiry it carries. */
async function claimsOf(deps: PortalDeps, token: string | undefined): Promise<PortalLinkClaims> {
  const claims = token ? verifyLinkToken(await portalSecret(deps.config, deps.db, deps.log), token) : undefined;
  if (!claims) throw REFUSALS.invalid;
  if (claims.expiresAt * 1000 <= Date.now()) throw REFUSALS.expired;
  return claims;
}

function noStoreHtml(ctx: Context, body: string): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  ctx.body = body;
}

/** GET shows a button (link scanners and previews cannot use up the link); POST exchanges it for a session. */
export function registerPortalEnterRoutes(router: Router, deps: PortalDeps): void {
  const links = new PortalLinkStore(deps.db);
  const sessions = new PortalSessionStore(deps.db);
  const orgs = new OrganizationStore(deps.db);

  router.get('/portal/enter', async (ctx) => {
    const token = typeof ctx.query['token'] === 'string' ? ctx.query['token'] : undefined;
    const claims = await claimsOf(deps, token);
    const refusal = await links.check(claims.linkId, claims.organizationId);
    if (refusal) throw REFUSALS[refusal];
    const org = await orgs.find(claims.organizationId);
    if (!org) throw REFUSALS.unknown;
    noStoreHtml(ctx, enterPage(org.name, token ?? ''));
  });

  router.post('/portal/enter', async (ctx) => {
    // Login CSRF: a page elsewhere must not sign the visitor into someone else's organization.
    if (!sameOrigin(ctx, deps.config)) throw new PortalError(403, 'This action was refused', 'Open the Admin Portal link directly in your browser.');
    const claims = await claimsOf(deps, formField(ctx, 'token'));
    const org = await orgs.find(claims.organizationId);
    if (!org) throw REFUSALS.unknown;
    const refusal = await links.consume(claims.linkId, claims.organizationId);
    if (refusal) throw REFUSALS[refusal];
    const old = ctx.cookies.get(PORTAL_COOKIE);
    if (old) {
      const previous = await sessions.findByCookie(old);
      if (previous) await sessions.delete(previous.id);
    }
    const { cookieValue, session } = await sessions.create(org.id, claims.linkId, deps.config.portal.sessionTtlSeconds);
    setSessionCookie(ctx, cookieValue, session.expiresAt);
    ctx.status = 303;
    ctx.redirect('/portal/directory-sync');
  });

  router.post('/portal/logout', async (ctx) => {
    const cookie = ctx.cookies.get(PORTAL_COOKIE);
    const session = cookie ? await sessions.findByCookie(cookie) : undefined;
    // Sign-out needs no CSRF token when the session is gone already; otherwise it must carry it (no forced sign-outs).
    if (session) {
      const presented = formField(ctx, '_csrf');
      if (!sameOrigin(ctx, deps.config) || !presented || !tokensEqual(presented, session.csrfToken)) throw new PortalError(403, 'This action was refused', 'Reload the page and try again.');
      await sessions.delete(session.id);
    }
    clearSessionCookie(ctx);
    noStoreHtml(ctx, messagePage('Signed out', 'You have signed out of the Admin Portal. Open a new Admin Portal link to come back.'));
  });
}
