import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config';
import { ScimError } from '../../scim/scim-error';
import type { RateLimiter } from '../../ops/rate-limiter';
import { recordThrottle } from '../../ops/throttle-stats';
import { clientIp } from '../../ops/https-policy';
import type { ProcessMetrics } from '../../ops/process-metrics';
import type { PrincipalCache } from '../../directory/principal-cache';
import { bearerToken } from './bearer-auth';

/** What the SCIM router needs to throttle (absent: no limits, e.g. in unit tests of the router). */
export interface ScimThrottle {
  limiter: RateLimiter;
  redis: Redis;
  prefix: string;
  limits: Config['rateLimit'];
  metrics?: ProcessMetrics;
  log: Logger;
  /** Web processes: a token the cache already knows is valid skips the failed-auth counter (no Redis call). */
  principals?: Pick<PrincipalCache, 'peek'>;
}

class TooManyRequests extends ScimError {
  constructor(detail: string) {
    super(429, detail);
  }
}

/**
 * Per-directory limit, after authentication (a 429 tells a real tenant to slow
 * down; Okta honours Retry-After). Shared by every web process through Redis.
 * A Redis failure lets the request through: the enqueue then fails on its own
 * with 503, and reads keep working.
 */
export function directoryRateLimit(t: ScimThrottle): Middleware {
  const rule = { limit: t.limits.scimLimit, windowSeconds: t.limits.scimWindowSeconds };
  return async (ctx, next) => {
    const directoryId = (ctx.state.principal as { directoryId?: string } | undefined)?.directoryId;
    if (!rule.limit || !directoryId) return next();
    const decision = await t.limiter.hit(`dir:${directoryId}`, rule).catch(() => undefined);
    if (decision && !decision.allowed) {
      ctx.set('Retry-After', String(decision.retryAfterSeconds));
      t.metrics?.throttled.inc({ reason: 'directory' });
      recordThrottle(t.redis, t.prefix, directoryId).catch(() => undefined);
      if (decision.count === rule.limit + 1) t.log.warn({ directoryId, limit: rule.limit, windowSeconds: rule.windowSeconds }, 'directory over its SCIM rate limit');
      throw new TooManyRequests(`Too many requests: at most ${rule.limit} per ${rule.windowSeconds} s for this directory. Retry after ${decision.retryAfterSeconds} s.`);
    }
    await next();
  };
}

/**
 * Token guessing: a client IP that failed SCIM authentication too often in the
 * window gets 429 before its token is even looked at. Runs before bearer auth
 * and counts the 401s that come back through it. Only failures count, so a
 * healthy Okta tenant sharing an egress IP is unaffected unless failures pile up.
 */
export function authFailureLimit(t: ScimThrottle): Middleware {
  const rule = { limit: t.limits.authFailureLimit, windowSeconds: t.limits.authFailureWindowSeconds };
  /** Addresses that failed authentication in this process, until their window ends. */
  const failedHere = new Map<string, number>();
  return async (ctx, next) => {
    if (!rule.limit) return next();
    const ip = clientIp(ctx);
    // A token the cache knows to be valid, from an address this process has seen no failure
    // from, is not a guess: no counter to read, so the hot path stays off Redis. An address
    // that failed here is checked on every request, even with a good token.
    const token = bearerToken(ctx);
    const now = Date.now();
    const known = token && !((failedHere.get(ip) ?? 0) > now) ? t.principals?.peek(String(ctx.params?.['directoryId'] ?? ''), token) : undefined;
    if (known) {
      // Bearer auth takes this principal as it is: the token is checked once per request.
      ctx.state.principal = known;
      return next();
    }
    const subject = `authfail:${ip}`;
    const seen = await t.limiter.peek(subject, rule).catch(() => undefined);
    if (seen && !seen.allowed) {
      ctx.set('Retry-After', String(seen.retryAfterSeconds));
      t.metrics?.throttled.inc({ reason: 'auth_failures' });
      throw new TooManyRequests(`Too many failed authentications from this address. Retry after ${seen.retryAfterSeconds} s.`);
    }
    try {
      await next();
    } catch (error) {
      if (error instanceof ScimError && error.status === 401) {
        if (failedHere.size >= 10_000) failedHere.clear();
        failedHere.set(ip, now + rule.windowSeconds * 1000);
        const after = await t.limiter.hit(subject, rule).catch(() => undefined);
        if (after && after.count === rule.limit) t.log.warn({ ip, limit: rule.limit, windowSeconds: rule.windowSeconds }, 'client IP reached the failed-authentication limit');
      }
      throw error;
    }
  };
}
