import Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import type { DirectoryStore } from '../store/directory-store';
import type { ScimDispatcher } from '../queue/scim-dispatcher';
import { requestId } from './middleware/request-id';
import { accessLog } from './middleware/access-log';
import { createScimRouter } from './routes/scim-router';
import { createHealthRouter } from './routes/health-routes';
import { createAdminApiRouter } from './admin/admin-api-router';
import { createPortalRouter } from './routes/portal-router';
import type { WebOps } from '../ops/web-ops';
import { throttleStats } from '../ops/throttle-stats';
import { koaProxyOptions } from '../ops/proxy-trust';

export interface AppDeps {
  config: Config;
  log: Logger;
  db: Db;
  directories: DirectoryStore;
  dispatcher: ScimDispatcher;
  /** Readiness probes beyond the database (Redis, migrations). */
  readiness: () => Promise<Record<string, boolean>>;
  /** HTTPS policy, metrics, Bull Board, rate limits (src/ops/web-ops.ts); absent in bare unit apps. */
  ops?: WebOps;
}

/** The Koa app of the web process. Holds no state of its own: every request's tenant is on ctx.state. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa(koaProxyOptions(deps.config.trustProxy));
  app.silent = true;
  app.on('error', (err: unknown) => deps.log.error({ err }, 'koa error'));
  app.use(requestId());
  app.use(accessLog(deps.log));
  for (const middleware of deps.ops?.middleware ?? []) app.use(middleware);
  const health = createHealthRouter(deps);
  app.use(health.routes());
  const scim = createScimRouter(deps);
  app.use(scim.routes());
  app.use(scim.allowedMethods());
  const admin = createAdminApiRouter(deps);
  app.use(admin.routes());
  const throttle = deps.ops?.throttle;
  const portal = createPortalRouter({
    ...deps,
    ...(throttle
      ? { throttleStats: (directoryId: string) => throttleStats(throttle.redis, { prefix: throttle.prefix, limit: throttle.limits.scimLimit, windowSeconds: throttle.limits.scimWindowSeconds }, directoryId) }
      : {}),
  });
  app.use(portal.routes());
  return app;
}
