import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import { createRedis } from '../queue/redis-connection';
import { deliveryStats } from '../delivery/delivery-stats';
import { StorageStatsStore } from '../store/storage-stats-store';
import { createProcessMetrics, type ProcessMetrics } from '../ops/process-metrics';
import { QueueMetrics } from '../ops/queue-metrics';
import { RateLimiter } from '../ops/rate-limiter';
import { createOpsQueues } from '../ops/ops-queues';
import { requireHttps } from '../http/shared/require-https';
import { hsts } from '../http/shared/hsts';
import { scimMetrics } from '../http/shared/request-metrics';
import { metricsRoute } from '../http/ops/metrics-routes';
import { opsRoutes } from '../http/ops/ops-routes';
import type { ScimThrottle } from '../http/scim/rate-limit';
import type { Closer } from '../ops/shutdown';
import type { PrincipalCache } from '../directory/principal-cache';

/** The operations side of a web process: what createApp mounts and what shutdown closes. */
export interface WebOps {
  /** App-level middleware, in order, mounted before every route. */
  middleware: Middleware[];
  /** Rate limits the SCIM router applies around bearer auth. */
  throttle: ScimThrottle;
  metrics: ProcessMetrics;
  closers: Closer[];
}

/** Builds the ops side: one extra Redis connection (fail-fast), queue handles for the board and metrics. */
export function createWebOps(config: Config, db: Db, log: Logger, principals?: PrincipalCache): WebOps {
  const redis = createRedis(config, 'producer');
  redis.on('error', () => undefined); // reported by readiness and by the enqueue path
  const queues = createOpsQueues(redis, config.queuePrefix);
  const metrics = createProcessMetrics();
  const queueMetrics = new QueueMetrics({ queues, db, log, deliveryStats, storageStats: (d) => new StorageStatsStore(d).storageStats() });
  const middleware: Middleware[] = [
    requireHttps(config.env === 'production'),
    hsts(config.ops.hstsMaxAgeSeconds),
    scimMetrics(metrics),
    metricsRoute({ processMetrics: metrics, queueMetrics, adminApiKey: config.adminApiKey, public: config.ops.metricsPublic, log }),
    opsRoutes({ queues, adminApiKey: config.adminApiKey, boardWrite: config.ops.boardWrite }),
  ];
  return {
    middleware,
    throttle: { limiter: new RateLimiter(redis, config.queuePrefix), redis, prefix: config.queuePrefix, limits: config.rateLimit, metrics, log, ...(principals ? { principals } : {}) },
    metrics,
    closers: [{ name: 'ops redis', close: async () => { await Promise.allSettled(queues.map((q) => q.close())); await redis.quit().catch(() => redis.disconnect()); } }],
  };
}
