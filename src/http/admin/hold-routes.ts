import type { Context } from 'koa';
import { z } from 'zod';
import type { AdminRouteRegistrar } from './admin-deps';
import { ApiError, badRequest, notFound } from './api-error';
import { DirectoryStore } from '../../store/directory-store';
import { HoldStore } from '../../store/hold-store';
import { breakerSettings, closeHold, HoldActionError, presentHold, presentPerson, setBreakerSettings } from '../../delivery/hold-admin';

const BreakerSettings = z
  .object({
    enabled: z.boolean().nullable().optional(),
    windowSeconds: z.number().int().min(60).max(86_400).nullable().optional(),
    minCount: z.number().int().min(1).max(1_000_000).nullable().optional(),
    minPercent: z.number().min(0).max(100).nullable().optional(),
  })
  .strict();
const HoldAction = z.object({ by: z.string().trim().min(1).max(200).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest('Invalid request', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

/** The deprovisioning circuit breaker (docs/circuit-breaker.md): holds, release, discard, thresholds. */
export const registerHoldRoutes: AdminRouteRegistrar = (router, deps) => {
  const { db, config } = deps;
  const holds = new HoldStore(db);

  const directory = async (ctx: Context) => {
    const d = await new DirectoryStore(db).find(String(ctx.params['directoryId'] ?? ''));
    if (!d) throw notFound('Directory');
    return d;
  };
  const act = (action: 'release' | 'discard') => async (ctx: Context) => {
    const input = parse(HoldAction, ctx.request.body);
    try {
      const hold = await closeHold(db, String(ctx.params['holdId'] ?? ''), action, input.by ?? 'admin API');
      ctx.body = presentHold(hold);
    } catch (err) {
      if (err instanceof HoldActionError) throw err.code === 'not_found' ? notFound('Hold') : new ApiError(409, 'hold_not_open', err.message);
      throw err;
    }
  };

  router.get('/directories/:directoryId/holds', async (ctx) => {
    const d = await directory(ctx);
    ctx.body = { data: (await holds.list(d.id)).map(presentHold) };
  });
  router.get('/holds/:holdId', async (ctx) => {
    const hold = await holds.get(String(ctx.params['holdId'] ?? ''));
    if (!hold) throw notFound('Hold');
    ctx.body = { ...presentHold(hold), wouldLoseAccess: (await holds.people(hold.id)).map(presentPerson) };
  });
  router.post('/holds/:holdId/release', act('release'));
  router.post('/holds/:holdId/discard', act('discard'));
  router.get('/directories/:directoryId/breaker', async (ctx) => {
    const d = await directory(ctx);
    ctx.body = await breakerSettings(db, config.breaker, d.id);
  });
  router.patch('/directories/:directoryId/breaker', async (ctx) => {
    const d = await directory(ctx);
    ctx.body = await setBreakerSettings(db, config.breaker, d.id, parse(BreakerSettings, ctx.request.body));
  });
};

/** Request schemas, for the OpenAPI description (src/http/admin/openapi.ts). */
export const HOLD_REQUESTS = { BreakerSettings, HoldAction };
