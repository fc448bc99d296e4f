import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import type { Db } from '../../store/db';

/** What the admin API router gives each area's routes. */
export interface AdminApiDeps {
  config: Config;
  db: Db;
  log: Logger;
}

/** Something that adds routes to the admin API (one per area: organizations, delivery, …). */
export type AdminRouteRegistrar = (router: Router, deps: AdminApiDeps) => void;
