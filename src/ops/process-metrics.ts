import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Metrics counted inside one web process (SCIM traffic, throttling, Node
 * runtime). Under WEB_CONCURRENCY > 1 the cluster primary sums them across the
 * processes of the dyno (src/ops/cluster-metrics.ts).
 */
export interface ProcessMetrics {
  registry: Registry;
  scimRequests: Counter<'method' | 'resource' | 'status'>;
  scimDuration: Histogram<'method' | 'resource' | 'status'>;
  throttled: Counter<'reason'>;
}

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dirsync_' });
  const labelNames = ['method', 'resource', 'status'] as const;
  return {
    registry,
    scimRequests: new Counter({ name: 'dirsync_scim_requests_total', help: 'SCIM requests by method, resource type and status', labelNames, registers: [registry] }),
    scimDuration: new Histogram({
      name: 'dirsync_scim_request_duration_seconds',
      help: 'SCIM request latency (writes include the wait for the worker)',
      labelNames,
      // Reads take milliseconds; writes wait for the worker; 20 s is the reply timeout.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'dirsync_scim_throttled_total',
      help: 'SCIM requests answered 429: reason "directory" (per-directory rate limit) or "auth_failures" (client IP over the failed-authentication limit)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
