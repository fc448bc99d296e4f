import type { Middleware } from 'koa';
import type { ProcessMetrics } from '../../ops/process-metrics';

const RESOURCES = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', '.search', 'Me']);

/** The SCIM resource type of a path (`/scim/v2/<dir>/<Resource>/…`); never an id, so label cardinality stays fixed. */
export function scimResourceLabel(path: string): string {
  const segment = path.split('/')[4] ?? '';
  return RESOURCES.has(segment) ? segment : 'other';
}

/** Counts and times every SCIM request by method, resource type and final status. */
export function scimMetrics(metrics: ProcessMetrics): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/scim/')) return next();
    const end = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const labels = { method: ctx.method, resource: scimResourceLabel(ctx.path), status: String(ctx.status) };
      metrics.scimRequests.inc(labels);
      metrics.scimDuration.observe(labels, Number(process.hrtime.bigint() - end) / 1e9);
    }
  };
}
