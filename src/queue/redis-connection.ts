import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/config';

/**
 * Roles of Redis connections:
 * - `producer`: the web process enqueueing, and the worker publishing replies; fails fast (no offline queue, one retry) so a Redis
 *   outage becomes a 503 + Retry-After instead of a request hanging until Heroku's 30 s timeout;
 * - `worker`: BullMQ workers and schedulers; `maxRetriesPerRequest: null` as BullMQ requires;
 * - `subscriber`: the reply channel subscriber; reconnects forever.
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber';

export function redisOptions(config: Pick<Config, 'redisUrl' | 'redisTlsVerify'>, role: RedisRole): RedisOptions {
  const tls = config.redisUrl.startsWith('rediss://') ? { tls: { rejectUnauthorized: config.redisTlsVerify } } : {};
  const common: RedisOptions = {
    ...tls,
    connectionName: `dirsync-${role}`,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  // Auto-pipelining: commands issued in the same tick by concurrent requests go out in one
  // write and one round trip (enqueues from many requests, replies from many jobs).
  // Only on the producer role: it never runs blocking commands.
  if (role === 'producer') return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000, enableAutoPipelining: true };
  return { ...common, maxRetriesPerRequest: null };
}

/** Logs a connection's errors at most once per interval (a Redis outage must not flood the logs or stderr). */
export interface RedisErrorSink {
  warn(obj: object, msg: string): void;
}

export function createRedis(config: Pick<Config, 'redisUrl' | 'redisTlsVerify'>, role: RedisRole, log?: RedisErrorSink): Redis {
  const redis = new Redis(config.redisUrl, redisOptions(config, role));
  let lastReported = 0;
  // Without a listener ioredis prints every reconnect failure to stderr; readiness and the request path report outages.
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (log && now - lastReported > 10_000) {
      lastReported = now;
      log.warn({ role, err: { message: err.message } }, 'redis connection error (retrying)');
    }
  });
  return redis;
}

/** Waits until a connection is ready (enableOfflineQueue:false connections reject commands before that). */
export async function waitReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
