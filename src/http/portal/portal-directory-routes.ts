import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { DirectoryStore } from '../../store/directory-store';
import { PortalReadStore } from '../../store/portal-read-store';
import { PortalSessionStore } from '../../store/portal-session-store';
import { providerGuide } from './provider-guides';
import { directorySyncDisabledPage, directorySyncPage } from './pages/directory-sync-page';
import { credentialsPage, providerSetupPage } from './pages/setup-page';
import { directoryPage } from './pages/directory-page';
import { scimBaseUrl } from '../../common/scim-base-url';
import { ScimHealthStore } from '../../store/scim-health-store';
import { holdBanner } from './pages/hold-pages';
import { HoldStore } from '../../store/hold-store';
import type { PortalDeps } from './portal-deps';
import { NOT_ENABLED, frameOf, newNonce, ownedDirectory, sendHtml } from './portal-page';
import { PortalError, formField, portalState, requireCsrf, requirePortalSession } from './portal-session';

const noticeParam = (ctx: Context): string | undefined => (typeof ctx.query['notice'] === 'string' ? ctx.query['notice'] : undefined);

function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

/** The Directory Sync tab and every action on a directory (configure, rotate, revoke, disable/enable, delete). */
export function registerPortalDirectoryRoutes(router: Router, deps: PortalDeps): void {
  const auth = requirePortalSession(deps.db);
  const csrf = requireCsrf(deps.config);
  const directories = new DirectoryStore(deps.db);
  const reads = new PortalReadStore(deps.db);
  const sessions = new PortalSessionStore(deps.db);

  /** A nonce marks a form that shows a token: submitting it twice (a reload) never creates or shows a second one. */
  const firstSubmit = async (ctx: Context): Promise<boolean> => {
    const nonce = formField(ctx, '_nonce');
    if (!nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) throw new PortalError(400, 'Form out of date', 'Reload the page and try again.');
    return sessions.useNonce(portalState(ctx).session.id, nonce);
  };
  const enabledOnly: Middleware = async (ctx, next) => {
    if (!portalState(ctx).organization.directorySyncEnabled) throw NOT_ENABLED;
    await next();
  };

  router.get('/portal/directory-sync', auth, async (ctx) => {
    const { organization } = portalState(ctx);
    if (!organization.directorySyncEnabled) return sendHtml(ctx, directorySyncDisabledPage(frameOf(ctx)));
    const list = await directories.list(organization.id);
    const items = await Promise.all(list.map(async (directory) => ({ directory, health: await reads.health(directory.id) })));
    sendHtml(ctx, directorySyncPage(frameOf(ctx), items, noticeParam(ctx)));
  });

  router.get('/portal/directory-sync/setup/:provider', auth, async (ctx) => {
    if (!portalState(ctx).organization.directorySyncEnabled) return sendHtml(ctx, directorySyncDisabledPage(frameOf(ctx)));
    const guide = providerGuide(String(ctx.params['provider']));
    if (!guide) throw new PortalError(404, 'Unknown provider', 'Choose a provider from the Directory Sync tab.');
    sendHtml(ctx, providerSetupPage(frameOf(ctx), guide, newNonce()));
  });

  router.post('/portal/directories', auth, csrf, enabledOnly, async (ctx) => {
    const guide = providerGuide(formField(ctx, 'provider') ?? '');
    if (!guide) throw new PortalError(400, 'Unknown provider', 'Choose a provider from the Directory Sync tab.');
    if (!(await firstSubmit(ctx))) return seeOther(ctx, '/portal/directory-sync?notice=already-configured');
    const { directory, token } = await directories.create(portalState(ctx).organization.id, guide.provider);
    deps.log.info({ directoryId: directory.id, organizationId: directory.organizationId, provider: directory.provider }, 'portal: directory configured');
    sendHtml(ctx, credentialsPage(frameOf(ctx), { directory, guide, scimUrl: scimBaseUrl(deps.config.publicUrl, directory.id), token, kind: 'created' }));
  });

  router.get('/portal/directories/:directoryId', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const [health, tokens, shares] = await Promise.all([reads.health(directory.id), directories.listTokens(directory.id), new ScimHealthStore(deps.db).shares(directory.id)]);
    const throttle = await deps.throttleStats?.(directory.id).catch(() => undefined);
    const hold = await new HoldStore(deps.db).openOf(directory.id);
    sendHtml(ctx, directoryPage(frameOf(ctx), { directory, health, tokens, throttle, shares, hold, holdBanner: holdBanner(directory.id, hold), scimUrl: scimBaseUrl(deps.config.publicUrl, directory.id), rotateNonce: newNonce(), noticeCode: noticeParam(ctx) }));
  });

  router.post('/portal/directories/:directoryId/rotate', auth, csrf, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const guide = providerGuide(directory.provider);
    if (!guide || !(await firstSubmit(ctx))) return seeOther(ctx, `/portal/directories/${directory.id}?notice=token-hidden`);
    const grace = deps.config.portal.rotationGraceSeconds;
    const token = await directories.rotateToken(directory.id, grace);
    deps.log.info({ directoryId: directory.id, graceSeconds: grace }, 'portal: token rotated');
    sendHtml(ctx, credentialsPage(frameOf(ctx), { directory, guide, scimUrl: scimBaseUrl(deps.config.publicUrl, directory.id), token, kind: 'rotated', graceSeconds: grace }));
  });

  router.post('/portal/directories/:directoryId/revoke', auth, csrf, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const n = await directories.revokeTokens(directory.id);
    deps.log.info({ directoryId: directory.id, revoked: n }, 'portal: tokens revoked');
    seeOther(ctx, `/portal/directories/${directory.id}?notice=revoked`);
  });

  for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    router.post(`/portal/directories/:directoryId/${action}`, auth, csrf, async (ctx) => {
      const directory = await ownedDirectory(ctx, directories);
      await directories.setStatus(directory.id, status);
      deps.log.info({ directoryId: directory.id, status }, 'portal: directory status changed');
      seeOther(ctx, `/portal/directories/${directory.id}?notice=${action}d`);
    });
  }

  router.post('/portal/directories/:directoryId/delete', auth, csrf, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    await directories.delete(directory.id);
    deps.log.info({ directoryId: directory.id }, 'portal: directory deleted');
    seeOther(ctx, '/portal/directory-sync?notice=deleted');
  });
}
