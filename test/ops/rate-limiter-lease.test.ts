import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiter, leaseSize } from '../../src/ops/rate-limiter';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('rate limiter: leased counting for large limits (one Redis call per lease, not per request)', () => {
  let redis: Redis;
  let prefix: string;
  before(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
    prefix = `{dstest-rl-${randomBytes(4).toString('hex')}}`;
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('small limits stay exact: one slot per request', () => {
    assert.equal(leaseSize(5), 1);
    assert.equal(leaseSize(199), 1);
    assert.equal(leaseSize(60_000), 600);
    assert.equal(leaseSize(10_000_000), 1000);
  });

  it('two processes sharing a 1,000 limit let through exactly 1,000 when they use their leases up', async () => {
    const rule = { limit: 1000, windowSeconds: 60 };
    const now = Date.now();
    const a = new RateLimiter(redis, prefix);
    const b = new RateLimiter(redis, prefix);
    let allowed = 0;
    let denied = 0;
    for (let i = 0; i < 1200; i++) {
      const d = await (i % 2 ? a : b).hit('dir:x', rule, now);
      if (d.allowed) allowed++;
      else denied++;
    }
    assert.equal(allowed, 1000);
    assert.equal(denied, 200);
  });

  it('costs one Redis call per lease: 600 requests under a 60,000 limit take one lease', async () => {
    const rule = { limit: 60_000, windowSeconds: 60 };
    const limiter = new RateLimiter(redis, prefix);
    const before = Number((await redis.info('commandstats')).match(/cmdstat_eval:calls=(\d+)/)?.[1] ?? 0);
    const decisions = await Promise.all(Array.from({ length: 600 }, () => limiter.hit('dir:y', rule)));
    const afterCalls = Number((await redis.info('commandstats')).match(/cmdstat_eval:calls=(\d+)/)?.[1] ?? 0);
    assert.ok(decisions.every((d) => d.allowed));
    // Other tests may share this Redis: allow a little noise, but far below one call per request.
    assert.ok(afterCalls - before < 20, `${afterCalls - before} eval calls for 600 requests`);
  });

  it('a new window starts a new lease', async () => {
    const rule = { limit: 1000, windowSeconds: 1 };
    const limiter = new RateLimiter(redis, prefix);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < 1000; i++) assert.ok((await limiter.hit('dir:z', rule, t0)).allowed);
    assert.equal((await limiter.hit('dir:z', rule, t0)).allowed, false);
    assert.ok((await limiter.hit('dir:z', rule, t0 + 1000)).allowed, 'next window');
  });
});
