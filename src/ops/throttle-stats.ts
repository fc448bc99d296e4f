import type { Redis } from 'ioredis';

/** Throttling seen by one directory, for the portal and the admin API. */
export interface ThrottleStats {
  /** Requests answered 429 since the counter was created (kept 30 days after the last one). */
  throttledTotal: number;
  lastThrottledAt: Date | null;
  /** Requests counted in the current rate-limit window (all web processes). */
  currentWindowCount: number;
  limit: number;
  windowSeconds: number;
}

const STATS_TTL_SECONDS = 30 * 24 * 3600;

export const throttleStatsKey = (prefix: string, directoryId: string): string => `${prefix}:rl:stats:${directoryId}`;

/** Records one 429 for a directory (best effort: a Redis hiccup never fails the request twice). */
export async function recordThrottle(redis: Redis, prefix: string, directoryId: string, now = Date.now()): Promise<void> {
  const key = throttleStatsKey(prefix, directoryId);
  await redis.multi().hincrby(key, 'total', 1).hset(key, 'last', String(now)).expire(key, STATS_TTL_SECONDS).exec();
}

/**
 * How much a directory is being throttled: total 429s, when the last one was,
 * and how full the current window is. Reads Redis only (the counters live there).
 */
export async function throttleStats(
  redis: Redis,
  opts: { prefix: string; limit: number; windowSeconds: number },
  directoryId: string,
  now = Date.now(),
): Promise<ThrottleStats> {
  const windowMs = opts.windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const [stats, current] = await Promise.all([
    redis.hgetall(throttleStatsKey(opts.prefix, directoryId)),
    redis.get(`${opts.prefix}:rl:dir:${directoryId}:${windowStart}`),
  ]);
  const last = stats['last'] ? Number(stats['last']) : NaN;
  return {
    throttledTotal: Number(stats['total'] ?? 0),
    lastThrottledAt: Number.isFinite(last) ? new Date(last) : null,
    currentWindowCount: Number(current ?? 0),
    limit: opts.limit,
    windowSeconds: opts.windowSeconds,
  };
}
