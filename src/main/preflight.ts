import type { Redis } from 'ioredis';
import type { Db } from '../store/db';
import type { Logger } from 'pino';

/** Friendly boot failures: say which service is down and how to start it locally. */
export class DependencyError extends Error {}

export async function checkPostgres(db: Db, databaseUrl: string): Promise<void> {
  try {
    await db.raw('select 1');
  } catch (error) {
    const where = safeUrl(databaseUrl);
    throw new DependencyError(
      `PostgreSQL is not reachable at ${where} (${(error as Error).message}).\n` +
        `  Start it locally with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or set DATABASE_URL to a running server.`,
    );
  }
}

export async function checkRedis(redis: Redis, redisUrl: string, log: Logger): Promise<void> {
  try {
    await redis.ping();
  } catch (error) {
    throw new DependencyError(
      `Redis is not reachable at ${safeUrl(redisUrl)} (${(error as Error).message}).\n` +
        `  Start it locally with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `  or set REDIS_URL to a running server.`,
    );
  }
  // BullMQ loses jobs silently if Redis evicts keys (G5 still holds through the outbox, but warn loudly).
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      log.warn({ policy: policy[1] }, `REDIS maxmemory-policy is "${policy[1]}": set it to "noeviction" or queued jobs may be evicted`);
    }
  } catch {
    // Managed Redis may forbid CONFIG; nothing to check then.
  }
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
