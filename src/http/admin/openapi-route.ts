import type { AdminRouteRegistrar } from './admin-deps';
import { buildOpenApi } from './openapi';

/** GET /api/v1/openapi.json: the admin API's OpenAPI 3.1 description (behind the admin key, like every /api/v1 route). */
export const registerOpenApiRoute: AdminRouteRegistrar = (router) => {
  let document: Record<string, unknown> | undefined;
  router.get('/openapi.json', (ctx) => {
    ctx.body = document ??= buildOpenApi();
  });
};
