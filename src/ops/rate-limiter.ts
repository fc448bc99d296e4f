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

const LEASE_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
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

/** One process's share of a window: slots it took from Redis and has not used yet. */
interface Lease {
  windowStart: number;
  remaining: number;
  /** The shared counter after our last lease (slots taken by every process). */
  total: number;
  /** The window is used up: deny locally until it ends. */
  exhausted: boolean;
  pending?: Promise<void>;
}

/**
 * Slots taken per Redis call for a limit: 1 % of it, at most 1,000. Limits under
 * 200 per window take one slot per request, which is exact.
 */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.min(1000, Math.floor(limit / 100)));
}

export class RateLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Counts one hit for `subject` and says whether it is within the limit.
   *
   * Large limits are counted in leases: a process takes `leaseSize(limit)` slots from
   * the shared counter in one call and hands them out locally, so a 60,000/min limit
   * costs one Redis call per 600 requests instead of one per request. The error is
   * bounded: slots a process leased but did not use count as used, at most one lease
   * per process per window (1 % of the limit each); and a process that has used the
   * window up denies locally, without asking Redis, until the window ends.
   */
  async hit(subject: string, rule: WindowLimit, now = Date.now()): Promise<RateDecision> {
    const chunk = leaseSize(rule.limit);
    if (chunk > 1) return this.leasedHit(subject, rule, chunk, now);
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const key = `${this.prefix}:rl:${subject}:${windowStart}`;
    const count = Number(await this.redis.eval(HIT_SCRIPT, 1, key, String(windowMs * 2)));
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    return { allowed: count <= rule.limit, count, retryAfterSeconds };
  }

  private async leasedHit(subject: string, rule: WindowLimit, chunk: number, now: number): Promise<RateDecision> {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    let lease = this.leases.get(subject);
    if (!lease || lease.windowStart !== windowStart) {
      if (this.leases.size >= 10_000) this.dropOldLeases(windowStart);
      lease = { windowStart, remaining: 0, total: 0, exhausted: false };
      this.leases.set(subject, lease);
    }
    const current = lease;
    while (current.remaining <= 0 && !current.exhausted) {
      current.pending ??= this.takeLease(subject, windowStart, windowMs, chunk, rule.limit, current).finally(() => (current.pending = undefined));
      await current.pending;
    }
    if (current.remaining > 0) {
      current.remaining--;
      return { allowed: true, count: Math.min(current.total, rule.limit), retryAfterSeconds };
    }
    // Over the limit: `count` is limit + 1 exactly once per process and window, so the caller logs once.
    const first = current.total <= rule.limit;
    current.total = Math.max(current.total, rule.limit + 1) + (first ? 0 : 1);
    return { allowed: false, count: first ? rule.limit + 1 : current.total, retryAfterSeconds };
  }

  private async takeLease(subject: string, windowStart: number, windowMs: number, chunk: number, limit: number, lease: Lease): Promise<void> {
    const key = `${this.prefix}:rl:${subject}:${windowStart}`;
    const total = Number(await this.redis.eval(LEASE_SCRIPT, 1, key, String(windowMs * 2), String(chunk)));
    // Our slots are (total - chunk, total]; those above the limit are not ours to use.
    const granted = Math.max(0, Math.min(total, limit) - (total - chunk));
    lease.remaining += granted;
    lease.total = Math.min(total, limit);
    if (granted === 0) lease.exhausted = true;
  }

  private dropOldLeases(windowStart: number): void {
    for (const [k, l] of this.leases) if (l.windowStart < windowStart) this.leases.delete(k);
    if (this.leases.size >= 10_000) this.leases.clear();
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
