import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { adminAuth } from './admin-auth';
import { jsonErrorHandler } from './json-error-handler';
import { storableInput } from './storable-input';
import { ADMIN_ROUTE_REGISTRARS } from './admin-routes';
import type { AdminApiDeps } from './admin-deps';

/** The app-owner API under /api/v1: JSON in and out, Bearer ADMIN_API_KEY. */
export function createAdminApiRouter(deps: AdminApiDeps): Router {
  const router = new Router({ prefix: '/api/v1', sensitive: true, strict: true });
  router.use(jsonErrorHandler(deps.log));
  router.use(adminAuth(deps.config.adminApiKey));
  router.use(bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', encoding: 'utf-8' }));
  router.use(storableInput());
  for (const register of ADMIN_ROUTE_REGISTRARS) register(router, deps);
  router.all('/{*rest}', (ctx) => {
    ctx.status = 404;
  });
  return router;
}
