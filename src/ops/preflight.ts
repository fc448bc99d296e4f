import { Redis } from 'ioredis';
import type { Config } from '../config/config';
import { redisOptions } from '../queue/redis-connection';
import { pingDatabase, type Db } from '../store/db';
import type { Logger } from 'pino';

/** Friendly boot failures: say which service is down and how to start it locally. */
export class DependencyError extends Error {}

export async function checkPostgres(db: Db, databaseUrl: string): Promise<void> {
  try {
    await pingDatabase(db);
  } catch (error) {
    const where = safeUrl(databaseUrl);
    throw new DependencyError(
      `PostgreSQL is not reachable at ${where} (${(error as Error).message}).\n` +
        `  Start it locally with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or set DATABASE_URL to a running server.`,
    );
  }
}

/**
 * Checks Redis with a probe connection of its own that fails fast (one connect
 * attempt, no retries), so an unreachable Redis gives one clear message instead
 * of BullMQ connections retrying forever. Warns when eviction is not `noeviction`.
 */
export async function checkRedis(config: Pick<Config, 'redisUrl' | 'redisTlsVerify'>, log: Logger): Promise<void> {
  const probe = new Redis(config.redisUrl, { ...redisOptions(config, 'producer'), lazyConnect: true, retryStrategy: () => null, connectTimeout: 5000 });
  let cause = '';
  probe.on('error', (err: Error) => (cause ||= err.message)); // reported below, once
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    throw new DependencyError(
      `Redis is not reachable at ${safeUrl(config.redisUrl)} (${cause || (error as Error).message}).\n` +
        `  Start it locally with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `  or set REDIS_URL to a running server.`,
    );
  }
  // BullMQ loses jobs silently if Redis evicts keys (G5 still holds through the outbox, but warn loudly).
  try {
    const policy = (await probe.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      log.warn({ policy: policy[1] }, `REDIS maxmemory-policy is "${policy[1]}": set it to "noeviction" or queued jobs may be evicted`);
    }
  } catch {
    // Managed Redis may forbid CONFIG; nothing to check then.
  } finally {
    await probe.quit().catch(() => probe.disconnect());
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
