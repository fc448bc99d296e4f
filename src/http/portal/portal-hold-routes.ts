import type Router from '@koa/router';
import type { Context } from 'koa';
import { DirectoryStore } from '../../store/directory-store';
import { HoldStore } from '../../store/hold-store';
import { breakerSettings, closeHold, HoldActionError, setBreakerSettings } from '../../delivery/hold-admin';
import type { PortalDeps } from './portal-deps';
import { frameOf, ownedDirectory, sendHtml } from './portal-page';
import { PortalError, formField, requireCsrf, requirePortalSession } from './portal-session';
import { breakerPage, holdPage } from './pages/hold-pages';

const NOTICES: Record<string, string> = {
  released: 'Released: the held changes are being passed to the app, in order.',
  discarded: 'Discarded: the held changes will never be passed to the app.',
};

/** The deprovisioning circuit breaker in the portal: a hold's preview with Release / Discard, and the directory's limits. */
export function registerPortalHoldRoutes(router: Router, deps: PortalDeps): void {
  const auth = requirePortalSession(deps.db);
  const csrf = requireCsrf(deps.config);
  const directories = new DirectoryStore(deps.db);
  const holds = new HoldStore(deps.db);

  /** The hold in the path, if it belongs to the directory in the path (which belongs to the session's organization). */
  const ownedHold = async (ctx: Context) => {
    const directory = await ownedDirectory(ctx, directories);
    const hold = await holds.get(String(ctx.params['holdId'] ?? ''));
    if (!hold || hold.directoryId !== directory.id) throw new PortalError(404, 'Hold not found', 'This hold does not exist or belongs to another directory.');
    return { directory, hold };
  };

  router.get('/portal/directories/:directoryId/holds/:holdId', auth, async (ctx) => {
    const { directory, hold } = await ownedHold(ctx);
    const code = typeof ctx.query['notice'] === 'string' ? ctx.query['notice'] : '';
    sendHtml(ctx, holdPage(frameOf(ctx), directory, hold, await holds.people(hold.id), NOTICES[code]));
  });

  const DONE = { release: 'released', discard: 'discarded' } as const;
  for (const action of ['release', 'discard'] as const) {
    router.post(`/portal/directories/:directoryId/holds/:holdId/${action}`, auth, csrf, async (ctx) => {
      const { directory, hold } = await ownedHold(ctx);
      try {
        await closeHold(deps.db, hold.id, action, 'admin portal');
      } catch (err) {
        if (err instanceof HoldActionError) throw new PortalError(409, 'Already decided', err.message);
        throw err;
      }
      deps.log.info({ directoryId: directory.id, holdId: hold.id, action }, 'portal: hold closed');
      ctx.status = 303;
      ctx.redirect(`/portal/directories/${directory.id}/holds/${hold.id}?notice=${DONE[action]}`);
    });
  }

  router.get('/portal/directories/:directoryId/breaker', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const [settings, list] = await Promise.all([breakerSettings(deps.db, deps.config.breaker, directory.id), holds.list(directory.id, 20)]);
    sendHtml(ctx, breakerPage(frameOf(ctx), directory, settings, list, ctx.query['saved'] === '1'));
  });

  router.post('/portal/directories/:directoryId/breaker', auth, csrf, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const num = (name: string, min: number, max: number): number => {
      const v = Number(formField(ctx, name));
      if (!Number.isFinite(v) || v < min || v > max) throw new PortalError(400, 'Invalid limit', `${name} must be between ${min} and ${max}.`);
      return v;
    };
    await setBreakerSettings(deps.db, deps.config.breaker, directory.id, {
      enabled: formField(ctx, 'enabled') === 'true',
      windowSeconds: Math.round(num('windowMinutes', 1, 1440)) * 60,
      minCount: Math.round(num('minCount', 1, 1_000_000)),
      minPercent: num('minPercent', 0, 100),
    });
    deps.log.info({ directoryId: directory.id }, 'portal: circuit-breaker limits changed');
    ctx.status = 303;
    ctx.redirect(`/portal/directories/${directory.id}/breaker?saved=1`);
  });
}
