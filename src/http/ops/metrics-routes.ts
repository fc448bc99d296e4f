import type { Middleware } from 'koa';
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { opsBasicAuth } from './ops-basic-auth';
import { processMetricsText } from '../../ops/cluster-metrics';
import type { ProcessMetrics } from '../../ops/process-metrics';
import type { QueueMetrics } from '../../ops/queue-metrics';

export interface MetricsRouteDeps {
  processMetrics: ProcessMetrics;
  queueMetrics: QueueMetrics;
  adminApiKey: string | undefined;
  /** METRICS_PUBLIC: no Basic auth (private network scrapers). */
  public: boolean;
  log: Logger;
}

/**
 * GET /metrics in Prometheus text format: this dyno's process metrics (summed
 * over its web processes) followed by the deployment-wide queue and delivery
 * gauges, collected now. Basic auth (password ADMIN_API_KEY) unless METRICS_PUBLIC.
 */
export function metricsRoute(deps: MetricsRouteDeps): Middleware {
  const auth = opsBasicAuth(deps.adminApiKey, 'dirsync metrics');
  const serve: Middleware = async (ctx) => {
    const [processText] = await Promise.all([
      processMetricsText(deps.processMetrics.registry).catch((err: Error) => {
        deps.log.warn({ err: { message: err.message } }, 'cluster metrics unavailable; serving this process only');
        return deps.processMetrics.registry.metrics();
      }),
      deps.queueMetrics.collect(),
    ]);
    const queueText = await deps.queueMetrics.registry.metrics();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = Registry.PROMETHEUS_CONTENT_TYPE;
    ctx.body = `${processText.trimEnd()}\n\n${queueText}`;
  };
  return async (ctx, next) => {
    if (ctx.path !== '/metrics') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    if (deps.public) return serve(ctx, next);
    await auth(ctx, () => serve(ctx, next));
  };
}
