import type { Context } from 'koa';
import type { z } from 'zod';
import type { AdminRouteRegistrar } from './admin-deps';
import { badRequest, notFound } from './api-error';
import { DirectoryStore, type Directory } from '../../store/directory-store';
import { ScimHealthStore, isRejectionCursor } from '../../store/scim-health-store';
import { isActivityCursor } from '../../store/portal-cursors';
import { OperationTraceStore } from '../../store/operation-trace-store';
import { isUuid } from '../../common/uuid';
import { WARN_SHARE } from '../../common/rejection-share';
import { OperationsQuery, RejectedRequestsQuery } from './directory-health-schemas';

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw badRequest('Invalid request', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

/** Directory health: rejected SCIM requests, the 4xx share, the SCIM write log and one operation's trace. */
export const registerDirectoryHealthRoutes: AdminRouteRegistrar = (router, deps) => {
  const { db } = deps;
  const directories = new DirectoryStore(db);
  const health = new ScimHealthStore(db);
  const traces = new OperationTraceStore(db);
  const directory = async (ctx: Context): Promise<Directory> => {
    const d = await directories.find(String(ctx.params['directoryId'] ?? ''));
    if (!d) throw notFound('Directory');
    return d;
  };
  const base = '/directories/:directoryId';

  router.get(`${base}/rejected-requests`, async (ctx) => {
    const d = await directory(ctx);
    const q = parse(RejectedRequestsQuery, ctx.query);
    if (q.before !== undefined && !isRejectionCursor(q.before)) throw badRequest('before is not a cursor this API returned');
    const page = await health.listRejections(d.id, { before: q.before, limit: q.limit });
    ctx.body = {
      data: page.rows.map((r) => ({ id: String(r.id), at: r.at.toISOString(), method: r.method, path: r.path, status: r.status, scimType: r.scimType, detail: r.detail, attribute: r.attribute, requestId: r.requestId })),
      nextCursor: page.next ?? null,
    };
  });

  router.get(`${base}/health`, async (ctx) => {
    const d = await directory(ctx);
    ctx.body = { directoryId: d.id, ...(await health.shares(d.id)), warnAbove: WARN_SHARE };
  });

  router.get(`${base}/operations`, async (ctx) => {
    const d = await directory(ctx);
    const q = parse(OperationsQuery, ctx.query);
    if (q.before !== undefined && !isActivityCursor(q.before)) throw badRequest('before is not a cursor this API returned');
    const page = await traces.listOperations(d.id, { before: q.before, limit: q.limit });
    ctx.body = {
      data: page.rows.map((o) => ({ ...o, receivedAt: o.receivedAt.toISOString(), appliedAt: o.appliedAt.toISOString() })),
      nextCursor: page.next ?? null,
    };
  });

  router.get(`${base}/operations/:operationId/trace`, async (ctx) => {
    const d = await directory(ctx);
    const id = String(ctx.params['operationId'] ?? '');
    const trace = isUuid(id) ? await traces.trace(d.id, id) : undefined;
    if (!trace) throw notFound('Operation');
    ctx.body = trace;
  });
};
