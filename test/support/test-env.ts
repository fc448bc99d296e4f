import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type Koa from 'koa';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config/config';
import { pino } from 'pino';
import { createLogger, REDACT_PATHS } from '../../src/log/logger';
import { createDb, type Db } from '../../src/store/db';
import { ensureAppModelSchema } from '../../src/app-model/app-model-schema';
import { dropDatabase, ensureDatabase } from '../../src/store/ensure-database';
import { startWeb } from '../../src/main/web-runtime';
import { startWorkers } from '../../src/main/worker-runtime';
import type { Closer } from '../../src/ops/shutdown';
import { OrganizationStore } from '../../src/store/organization-store';
import { DirectoryStore } from '../../src/store/directory-store';
import type { Provider } from '../../src/common/providers';

// Test receivers listen on 127.0.0.1: the development switch lets webhooks reach loopback (and nothing else private).
// Set in process.env too: the connect-time check of a webhook reads it from there (src/delivery/webhook-sink.ts).
process.env['WEBHOOK_ALLOW_LOOPBACK'] ??= 'true';

const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface TestDirectory {
  organizationId: string;
  directoryId: string;
  token: string;
  scimUrl: string;
}

export interface TestEnv {
  config: Config;
  db: Db;
  baseUrl: string;
  redis: Redis;
  /** The web process's Koa app (undefined when the web process is not started). */
  app: Koa | undefined;
  createDirectory(opts?: { provider?: Provider; enabled?: boolean; orgName?: string }): Promise<TestDirectory>;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  env?: Record<string, string>;
  /** Start the web process (default true). */
  web?: boolean;
  /** Start workers (default true). */
  workers?: boolean;
}

/**
 * A private world per test file: its own PostgreSQL database (migrated, dropped
 * after) and its own Redis key prefix (deleted after), with the real web and
 * worker runtimes started in-process on 127.0.0.1.
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  // Read at call time too: a test may route its runtimes through a proxy (test/chaos/postgres-outage.test.ts).
  const databaseUrl = `${process.env['TEST_PG_URL'] ?? PG_BASE}/dirsync_test_${suffix}`;
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    QUEUE_PREFIX: `{dstest-${suffix}}`,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    WORKER_CONCURRENCY: '4',
    WEBHOOK_ALLOW_LOOPBACK: process.env['WEBHOOK_ALLOW_LOOPBACK'] ?? 'true',
    ...options.env,
  });
  await ensureDatabase(databaseUrl);
  // Migrate as `npm run release` does: a plain connection, then the app model's schema.
  const migrator = createDb(config, 2, { forMigrations: true });
  await migrator.migrate.latest();
  await ensureAppModelSchema(migrator, config.appModelSchema);
  await migrator.destroy();
  const db = createDb(config, 4);
  const log = testLogger(config.logLevel);
  const closers: Closer[] = [];
  if (options.workers !== false) closers.push(...(await startWorkers(config, log)).closers);
  let app: Koa | undefined;
  if (options.web !== false) {
    const web = await startWeb(config, log, port);
    app = web.app;
    closers.unshift(...web.closers);
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });

  let orgCounter = 0;
  return {
    config,
    db,
    baseUrl: config.publicUrl,
    redis,
    app,
    async createDirectory(opts = {}) {
      const org = await new OrganizationStore(db).create(opts.orgName ?? `Org ${++orgCounter} ${suffix}`, opts.enabled ?? true);
      const { directory, token } = await new DirectoryStore(db).create(org.id, opts.provider ?? 'okta');
      return { organizationId: org.id, directoryId: directory.id, token, scimUrl: `${config.publicUrl}/scim/v2/${directory.id}` };
    },
    async close() {
      // Web first (stop taking requests), then workers, then pools: the production order.
      const order = [...closers.filter((c) => c.name !== 'postgres'), ...closers.filter((c) => c.name === 'postgres')];
      for (const c of order) await c.close().catch(() => undefined);
      await deleteKeys(redis, `${config.queuePrefix}*`);
      redis.disconnect();
      await db.destroy();
      await dropDatabase(databaseUrl);
    },
  };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * Silent by default (TEST_LOG_LEVEL to print). With TEST_LOG_FILE set, every test
 * file's runtimes append their logs to that file at level debug, with the production
 * redaction, so the suite's logs can be inspected and grepped for secrets (docs/security.md).
 */
function testLogger(level: string) {
  const file = process.env['TEST_LOG_FILE'];
  if (!file) return createLogger(level, 'test');
  return pino(
    { name: 'test', level: 'debug', base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: file, append: true, sync: true }),
  );
}
