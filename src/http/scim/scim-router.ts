import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import type { Db } from '../../store/db';
import type { DirectoryStore } from '../../store/directory-store';
import type { PrincipalCache } from '../../directory/principal-cache';
import type { ScimDispatcher } from '../../queue/scim-dispatcher';
import { bearerAuth } from './bearer-auth';
import { scimErrorHandler } from './scim-error-handler';
import { sendScimResult } from '../shared/scim-response';
import { resourceTypes, schemaDocuments, serviceProviderConfig, type DiscoveryOptions } from '../../scim/discovery';
import { LIST_RESPONSE_SCHEMA } from '../../scim/schema-urns';
import { registerScimReadRoutes } from './scim-read-routes';
import { scimBaseUrl } from '../../common/scim-base-url';
import { registerScimWriteRoutes } from './scim-write-routes';
import { ScimError } from '../../scim/scim-error';
import { authFailureLimit, directoryRateLimit, type ScimThrottle } from './rate-limit';
import { recordScimOutcome } from './record-scim-outcome';
import type { ScimHealthRecorder } from './scim-health-recorder';

export interface ScimRouterDeps {
  config: Pick<Config, 'publicUrl' | 'scim'>;
  db: Db;
  directories: DirectoryStore;
  principals?: PrincipalCache;
  dispatcher: ScimDispatcher;
  log: Logger;
  /** Rate limits (issue 5); absent: no limits. */
  ops?: { throttle: ScimThrottle };
  /** Directory health: counts requests and records rejected ones (issue 13); absent: nothing recorded. */
  health?: Pick<ScimHealthRecorder, 'request'>;
}

/** Everything under /scim/v2/{directoryId}: bearer auth, then SCIM resources and discovery. */
export function createScimRouter(deps: ScimRouterDeps): Router {
  const router = new Router({ prefix: '/scim/v2/:directoryId', sensitive: true, strict: true });
  // Outermost: it sees the final status of every request, whichever layer answered.
  if (deps.health) router.use(recordScimOutcome(deps.health));
  router.use(scimErrorHandler(deps.log, deps.config.scim.retryAfterSeconds));
  if (deps.ops) router.use(authFailureLimit(deps.ops.throttle));
  router.use(bearerAuth(deps.directories, deps.principals));
  if (deps.ops) router.use(directoryRateLimit(deps.ops.throttle));

  const discovery = (directoryId: string): DiscoveryOptions => ({
    baseUrl: scimBaseUrl(deps.config.publicUrl, directoryId),
    maxResults: deps.config.scim.maxResults,
    maxPayloadBytes: deps.config.scim.maxBodyBytes,
    maxOperations: deps.config.scim.maxPatchOperations,
  });
  const list = (resources: unknown[]) => ({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });
  const byId = (docs: Record<string, unknown>[], id: string, what: string) => {
    const doc = docs.find((d) => String(d['id']).toLowerCase() === id.toLowerCase());
    if (!doc) throw new ScimError(404, `${what} ${JSON.stringify(id.slice(0, 200))} not found`, undefined, { detail: `${what} not found` });
    return doc;
  };

  router.get('/ServiceProviderConfig', (ctx) => sendScimResult(ctx, { status: 200, body: serviceProviderConfig(discovery(ctx.params['directoryId'] ?? '')) }));
  router.get('/ResourceTypes', (ctx) => sendScimResult(ctx, { status: 200, body: list(resourceTypes(discovery(ctx.params['directoryId'] ?? ''))) }));
  router.get('/ResourceTypes/:name', (ctx) => sendScimResult(ctx, { status: 200, body: byId(resourceTypes(discovery(ctx.params['directoryId'] ?? '')), ctx.params['name'] ?? '', 'ResourceType') }));
  router.get('/Schemas', (ctx) => sendScimResult(ctx, { status: 200, body: list(schemaDocuments(discovery(ctx.params['directoryId'] ?? ''))) }));
  router.get('/Schemas/:urn', (ctx) => sendScimResult(ctx, { status: 200, body: byId(schemaDocuments(discovery(ctx.params['directoryId'] ?? '')), ctx.params['urn'] ?? '', 'Schema') }));

  registerScimReadRoutes(router, deps);
  registerScimWriteRoutes(router, deps);
  // Bulk is not supported (ServiceProviderConfig says so); anything else unknown is a SCIM 404.
  router.all('/{*rest}', () => {
    throw new ScimError(404, 'No such SCIM endpoint');
  });
  return router;
}
