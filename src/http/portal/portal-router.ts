import { readFileSync } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { messagePage } from './pages/message-pages';
import { PortalError } from './portal-session';
import type { Logger } from 'pino';
import type { PortalDeps } from './portal-deps';
import { registerPortalEnterRoutes } from './portal-enter-routes';
import { registerPortalDirectoryRoutes } from './portal-directory-routes';
import { registerPortalDataRoutes } from './portal-data-routes';
import { registerPortalHealthRoutes } from './portal-health-routes';
import { registerPortalAttributeMappingRoutes } from './portal-attribute-mapping-routes';
import { registerPortalHoldRoutes } from './portal-hold-routes';


const ASSETS_DIR = path.resolve(__dirname, 'assets');
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(ASSETS_DIR, 'portal.css')) },
  'portal.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(ASSETS_DIR, 'portal.js')) },
};

// Only our own stylesheet and script; no framing; forms post only to us. Referrer same-origin only: link URLs carry a token, and
// browsers send `Origin: null` under no-referrer, which would defeat the Origin check.
const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers, and errors as plain pages: a PortalError's status and text, anything else a 500 with a reference. */
function portalShell(log: Logger): Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new PortalError(404, 'Page not found', 'There is nothing at this address in the Admin Portal.');
    } catch (error) {
      const requestId = String(ctx.state.requestId ?? '');
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      if (error instanceof PortalError) {
        ctx.status = error.status;
        ctx.body = messagePage(error.title, error.message);
        return;
      }
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = messagePage('Request not understood', 'The request could not be read. Go back and try again.');
        return;
      }
      log.error({ err: error, requestId, route: ctx._matchedRoute }, 'portal error');
      ctx.status = 500;
      ctx.body = messagePage('Something went wrong', 'The Admin Portal could not complete this request. Try again in a moment.', requestId);
    }
  };
}

/** The Admin Portal under /portal: server-rendered pages, organization-scoped cookie sessions. */
export function createPortalRouter(deps: PortalDeps): Router {
  const router = new Router({ sensitive: true, strict: true });
  router.use('/portal', portalShell(deps.log));
  router.use('/portal', bodyParser({ enableTypes: ['form'], formLimit: '16kb', encoding: 'utf-8' }));
  router.get('/portal/assets/:file', (ctx) => {
    const asset = ASSETS[String(ctx.params['file'])];
    if (!asset) throw new PortalError(404, 'Page not found', 'There is nothing at this address in the Admin Portal.');
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = asset.body;
  });
  registerPortalEnterRoutes(router, deps);
  registerPortalDirectoryRoutes(router, deps);
  registerPortalDataRoutes(router, deps);
  registerPortalHealthRoutes(router, deps);
  registerPortalAttributeMappingRoutes(router, deps);
  registerPortalHoldRoutes(router, deps);
  router.all('/portal', (ctx) => ctx.redirect('/portal/directory-sync'));
  router.all('/portal/{*rest}', () => {
    throw new PortalError(404, 'Page not found', 'There is nothing at this address in the Admin Portal.');
  });
  return router;
}
