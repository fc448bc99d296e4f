import { presentSink } from '../../delivery/sink-view';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AdminRouteRegistrar } from './admin-deps';
import { ApiError, badRequest, notFound } from './api-error';
import { OrganizationStore, type Organization } from '../../store/organization-store';
import { isUuid } from '../../common/uuid';
import { DirectoryStore } from '../../store/directory-store';
import { SinkStore } from '../../store/sink-store';
import { DeliveryStore } from '../../store/delivery-store';
import { RoleMappingStore } from '../../app-model/role-mapping-store';
import { ReconcileReportStore } from '../../app-model/reconcile-report-store';
import { AppModelStore } from '../../app-model/app-model-store';
import { AppRoleStore } from '../../app-model/app-role-store';
import { addWebhookSink, replayDeadLetters, DeliveryAdminError } from '../../delivery/delivery-admin';
import { decodeCursor, readEventFeed, staleCursorEntries } from '../../delivery/event-feed';
import { runReconcile } from '../../app-model/run-reconcile';
import { deliveryStats } from '../../delivery/delivery-stats';
import type { StoredEvent } from '../../events/event-types';

const CreateSink = z.object({ kind: z.literal('webhook').default('webhook'), url: z.string().max(2000), name: z.string().trim().min(1).max(200).optional(), timeoutMs: z.number().int().min(100).max(60_000).optional() }).strict();
const UpdateSink = z.object({ enabled: z.boolean().optional(), name: z.string().trim().min(1).max(200).optional(), timeoutMs: z.number().int().min(100).max(60_000).optional() }).strict();
const Mapping = z.object({ groupName: z.string().trim().min(1).max(500), role: z.string().trim().min(1).max(200) }).strict();
const Replay = z.union([z.object({ eventId: z.string().uuid() }).strict(), z.object({ all: z.literal(true) }).strict()]);
const Reconcile = z.object({ repair: z.boolean().optional() }).strict();
const FeedQuery = z.object({ cursor: z.string().max(20_000).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest('Invalid request', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}


export const presentEvent = (e: StoredEvent) => ({
  id: e.id,
  type: e.type,
  organizationId: e.organizationId,
  directoryId: e.directoryId,
  sequence: e.seq,
  occurredAt: e.occurredAt.toISOString(),
  resource: { type: e.resourceType, id: e.resourceId, version: e.resourceVersion },
  data: e.data,
});

/** Sinks, dead letters and replay, role mappings, the app model, the events feed, drift reconciliation. */
export const registerDeliveryRoutes: AdminRouteRegistrar = (router, deps) => {
  const { db, config } = deps;
  const orgs = new OrganizationStore(db);
  const sinks = new SinkStore(db);
  const mappings = new RoleMappingStore(db);

  const org = async (ctx: Context): Promise<Organization> => {
    const id = String(ctx.params['organizationId'] ?? '');
    const found = isUuid(id) ? await orgs.find(id) : undefined;
    if (!found) throw notFound('Organization');
    return found;
  };
  const base = '/organizations/:organizationId';

  router.get(`${base}/sinks`, async (ctx) => {
    ctx.body = { data: (await sinks.list((await org(ctx)).id)).map(presentSink) };
  });
  router.post(`${base}/sinks`, async (ctx) => {
    const o = await org(ctx);
    const input = parse(CreateSink, ctx.request.body);
    try {
      const { sink, secret } = await addWebhookSink(db, config, o.id, input);
      ctx.status = 201;
      // The only time the secret is shown.
      ctx.body = { ...presentSink(sink), secret };
    } catch (error) {
      if (error instanceof DeliveryAdminError) throw badRequest(error.message);
      throw error;
    }
  });
  router.patch(`${base}/sinks/:sinkId`, async (ctx) => {
    const o = await org(ctx);
    const sink = await sinks.update(o.id, String(ctx.params['sinkId']), parse(UpdateSink, ctx.request.body));
    if (!sink) throw notFound('Sink');
    ctx.body = presentSink(sink);
  });
  router.delete(`${base}/sinks/:sinkId`, async (ctx) => {
    const o = await org(ctx);
    const sink = await sinks.find(o.id, String(ctx.params['sinkId']));
    if (!sink) throw notFound('Sink');
    if (sink.kind === 'app_model') throw new ApiError(409, 'conflict', 'The built-in app model sink cannot be deleted; disable it with PATCH {"enabled":false}');
    await sinks.deleteWebhook(o.id, sink.id);
    ctx.status = 204;
  });

  router.get(`${base}/dead-letters`, async (ctx) => {
    const o = await org(ctx);
    const list = await new DeliveryStore(db).listDeadLetters(o.id, { includeReplayed: ctx.query['includeReplayed'] === 'true' });
    ctx.body = { data: list };
  });
  router.post(`${base}/dead-letters/replay`, async (ctx) => {
    const o = await org(ctx);
    const input = parse(Replay, ctx.request.body);
    ctx.body = await replayDeadLetters(db, config, o.id, 'eventId' in input ? input.eventId : undefined);
  });

  router.get(`${base}/role-mappings`, async (ctx) => {
    ctx.body = { data: await mappings.list((await org(ctx)).id) };
  });
  router.post(`${base}/role-mappings`, async (ctx) => {
    const o = await org(ctx);
    const input = parse(Mapping, ctx.request.body);
    const mapping = await mappings.add(o.id, input.groupName, input.role);
    const recomputed = await new AppRoleStore(db).recompute(o.id, 'all');
    ctx.status = 201;
    ctx.body = { ...mapping, usersRecomputed: recomputed };
  });
  router.delete(`${base}/role-mappings/:mappingId`, async (ctx) => {
    const o = await org(ctx);
    if (!(await mappings.remove(o.id, { id: String(ctx.params['mappingId']) }))) throw notFound('Role mapping');
    await new AppRoleStore(db).recompute(o.id, 'all');
    ctx.status = 204;
  });

  router.get(`${base}/app-users`, async (ctx) => {
    ctx.body = { data: await new AppModelStore(db).listAppUsers((await org(ctx)).id) };
  });

  router.get(`${base}/events`, async (ctx) => {
    const o = await org(ctx);
    const q = parse(FeedQuery, ctx.query);
    const cursor = decodeCursor(q.cursor);
    if (!cursor) throw badRequest('cursor is not one this API returned');
    const stale = await staleCursorEntries(db, o.id, cursor);
    if (stale.length) {
      throw new ApiError(
        410,
        'cursor_expired',
        `The cursor is older than the retention horizon: events after it were pruned (${config.retention.eventsDays > 0 ? `events are kept ${config.retention.eventsDays} days once every sink has consumed them` : 'under an earlier retention setting'}; RETENTION_EVENTS_DAYS), so reading on would skip them. Start again without a cursor to read from the oldest event kept, and resynchronise what you missed from the SCIM resources or the app user model.`,
        stale,
      );
    }
    const page = await readEventFeed(db, o.id, cursor, q.limit);
    ctx.body = { data: page.events.map(presentEvent), nextCursor: page.nextCursor, hasMore: page.hasMore };
  });

  router.get('/delivery/stats', async (ctx) => {
    ctx.body = await deliveryStats(db);
  });

  const directory = async (ctx: Context) => {
    const d = await new DirectoryStore(db).find(String(ctx.params['directoryId'] ?? ''));
    if (!d) throw notFound('Directory');
    return d;
  };
  router.post('/directories/:directoryId/reconcile', async (ctx) => {
    const d = await directory(ctx);
    const input = parse(Reconcile, ctx.request.body);
    ctx.body = await runReconcile(db, d.id, input.repair ?? false, 'manual');
  });
  router.get('/directories/:directoryId/reconcile-reports', async (ctx) => {
    const d = await directory(ctx);
    ctx.body = { data: await new ReconcileReportStore(db).list(d.id) };
  });
};

/** Request schemas, for the OpenAPI description (src/http/admin/openapi.ts). */
export const DELIVERY_REQUESTS = { CreateSink, UpdateSink, Mapping, Replay, Reconcile, FeedQuery };
