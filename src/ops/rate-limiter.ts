import type { Redis } from 'ioredis';

/**
 * Fixed-window counters in Redis, shared by every web process: one key per
 * subject and window (`<prefix>:rl:<subject>:<windowStart>`), incremented and
 * given a TTL in one Lua call, so N web processes enforce one limit together.
 * A fixed window lets at most 2× the limit through across a window edge; that
 * is fine for protecting the queue from one tenant's burst and keeps a single
 * round trip per request.
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export interface RateDecision {
  allowed: boolean;
  /** Requests counted in this window, including this one. */
  count: number;
  /** Seconds until the window resets (what Retry-After says). */
  retryAfterSeconds: number;
}

export interface WindowLimit {
  limit: number;
  windowSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Counts one hit for `subject` and says whether it is within the limit. */
  async hit(subject: string, rule: WindowLimit, now = Date.now()): Promise<RateDecision> {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const key = `${this.prefix}:rl:${subject}:${windowStart}`;
    const count = Number(await this.redis.eval(HIT_SCRIPT, 1, key, String(windowMs * 2)));
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    return { allowed: count <= rule.limit, count, retryAfterSeconds };
  }

  /** The current window's count without counting a hit. */
  async peek(subject: string, rule: WindowLimit, now = Date.now()): Promise<RateDecision> {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const count = Number((await this.redis.get(`${this.prefix}:rl:${subject}:${windowStart}`)) ?? 0);
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    return { allowed: count < rule.limit, count, retryAfterSeconds };
  }
}
