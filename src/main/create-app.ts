import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import type { DirectoryStore } from '../store/directory-store';
import type { PrincipalCache } from '../directory/principal-cache';
import type { ScimDispatcher } from '../queue/scim-dispatcher';
import { requestId } from '../http/shared/request-id';
import { accessLog } from '../http/shared/access-log';
import { canonicalPath } from '../http/shared/canonical-path';
import { messagePage } from '../http/portal/pages/message-pages';
import { createScimRouter } from '../http/scim/scim-router';
import { createHealthRouter } from '../http/ops/health-routes';
import { createAdminApiRouter } from '../http/admin/admin-api-router';
import { createPortalRouter } from '../http/portal/portal-router';
import type { WebOps } from './web-ops';
import { throttleStats } from '../ops/throttle-stats';
import { koaProxyOptions } from '../ops/proxy-trust';
import type { ScimHealthRecorder } from '../http/scim/scim-health-recorder';

export interface AppDeps {
  config: Config;
  log: Logger;
  db: Db;
  directories: DirectoryStore;
  /** Cached authentication (web processes); absent: every request reads PostgreSQL. */
  principals?: PrincipalCache;
  dispatcher: ScimDispatcher;
  /** Readiness probes beyond the database (Redis, migrations). */
  readiness: () => Promise<Record<string, boolean>>;
  /** HTTPS policy, metrics, Bull Board, rate limits (src/main/web-ops.ts); absent in bare unit apps. */
  ops?: WebOps;
  /** Directory health (rejected requests, request counts), buffered per process; absent: nothing recorded. */
  health?: ScimHealthRecorder;
}

const ROUTERS = new WeakMap<Koa, Router[]>();

/** Every router an app mounts, in order: the route-guard matrix test reads their routes from here. */
export function mountedRouters(app: Koa): readonly Router[] {
  return ROUTERS.get(app) ?? [];
}

/** The Koa app of the web process. Holds no state of its own: every request's tenant is on ctx.state. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa(koaProxyOptions(deps.config.trustProxy));
  app.silent = true;
  app.on('error', (err: unknown) => deps.log.error({ err }, 'koa error'));
  app.use(requestId());
  app.use(accessLog(deps.log));
  // Before any ops middleware, guard or router: they all see only the canonical spelling of a path.
  app.use(canonicalPath(() => messagePage('Page not found', 'There is nothing at this address in the Admin Portal.')));
  for (const middleware of deps.ops?.middleware ?? []) app.use(middleware);
  const throttle = deps.ops?.throttle;
  const routers = [
    createHealthRouter(deps),
    createScimRouter(deps),
    createAdminApiRouter(deps),
    createPortalRouter({
      ...deps,
      ...(throttle
        ? { throttleStats: (directoryId: string) => throttleStats(throttle.redis, { prefix: throttle.prefix, limit: throttle.limits.scimLimit, windowSeconds: throttle.limits.scimWindowSeconds }, directoryId) }
        : {}),
    }),
  ];
  const [health, scim, admin, portal] = routers as [Router, Router, Router, Router];
  app.use(health.routes());
  app.use(scim.routes());
  // No allowedMethods(): it reads ctx.matched of every router and would answer OPTIONS on any portal
  // path with a 200 after the portal's own 404; each router's catch-all answers unknown methods itself.
  app.use(admin.routes());
  app.use(portal.routes());
  ROUTERS.set(app, routers);
  return app;
}
