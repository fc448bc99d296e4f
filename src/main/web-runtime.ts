import http from 'node:http';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { createDb, migrationsCurrent, notify, pingDatabase, type Db } from '../store/db';
import { DirectoryStore } from '../store/directory-store';
import { OperationStore } from '../store/operation-store';
import { createRedis } from '../queue/redis-connection';
import { createScimQueue } from '../queue/scim-queue';
import { ScimDispatcher } from '../queue/scim-dispatcher';
import { replyChannel } from '../queue/scim-reply';
import { createApp } from './create-app';
import { answerClientError } from '../http/shared/client-error';
import { checkPostgres, checkRedis } from '../ops/preflight';
import type { Closer } from '../ops/shutdown';
import { createWebOps } from './web-ops';
import { createServer } from '../ops/create-server';
import { closeHttpServer } from '../ops/close-http-server';
import { ChangeListener } from '../store/change-listener';
import { onLocalAuthChange } from '../store/auth-changes';
import { PrincipalCache } from '../directory/principal-cache';
import { ReplayMarkerIndex } from '../queue/replay-marker-index';
import { ScimHealthStore } from '../store/scim-health-store';
import { ScimHealthRecorder } from '../http/scim/scim-health-recorder';

export interface WebRuntime {
  server: http.Server;
  /** The Koa app (its routers are listed by mountedRouters, for the route-guard matrix test). */
  app: Koa;
  port: number;
  db: Db;
  closers: Closer[];
}

/** Builds and starts the web process: HTTP server, producer queue, one reply subscription. */
export async function startWeb(config: Config, log: Logger, port = config.port): Promise<WebRuntime> {
  const db = createDb(config, config.pgPoolMaxWeb);
  await checkPostgres(db, config.databaseUrl);
  await checkRedis(config, log);
  const producer = createRedis(config, 'producer', log);
  const subscriber = createRedis(config, 'subscriber', log);

  const queue = createScimQueue(producer, config.queuePrefix);
  const operations = new OperationStore(db);
  const directories = new DirectoryStore(db);

  // What used to be read from PostgreSQL on every request, cached in-process and kept
  // right by trigger notifications (store/change-listener.ts): principals and replay markers.
  const listener = new ChangeListener(config, log.child({ part: 'change-listener' }), (channel, payload) => notify(db, channel, payload));
  const principals = new PrincipalCache((id) => directories.loadAuthEntry(id), { ttlMs: config.scim.authCacheTtlMs, live: () => listener.live });
  const markers = new ReplayMarkerIndex({
    loadAll: () => operations.liveMarkerKeys(),
    live: () => listener.live,
    onLoadError: (err) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'replay markers could not be loaded; every write looks them up until the next reconnect'),
  });
  listener.subscribe(principals);
  // Changes this very process makes (admin API, portal) apply to its own cache at once, before the notification.
  const stopLocalAuthChanges = onLocalAuthChange((payload) => principals.onChange('dirsync_auth', payload));
  listener.subscribe(markers);
  await listener.start();
  await markers.ready();
  // Markers expire after a day in PostgreSQL; the index follows hourly.
  const markerRefresh = setInterval(() => markers.refresh(), 3_600_000);
  markerRefresh.unref();
  const dispatcher = new ScimDispatcher(
    queue,
    subscriber,
    operations,
    {
      replyTimeoutMs: config.scim.replyTimeoutMs,
      retryAfterSeconds: config.scim.retryAfterSeconds,
      replyChannel: replyChannel(config.queuePrefix),
      enqueue: { maxBatch: config.scim.enqueueMaxBatch, maxInFlight: config.scim.enqueueMaxInFlight },
    },
    log,
    markers,
  );
  await dispatcher.start();
  // How well writes share jobs: logged every 10 s while writes arrive (the mean batch size is writes / jobs).
  let lastWrites = 0;
  const enqueueTotals = setInterval(() => {
    const { jobsSent, writesSent } = dispatcher.enqueuer;
    if (writesSent === lastWrites) return;
    lastWrites = writesSent;
    log.info({ jobs: jobsSent, writes: writesSent }, 'scim enqueue totals');
  }, 10_000);
  enqueueTotals.unref();

  const readiness = async () => {
    const [pgOk, redisOk, migrated] = await Promise.all([
      pingDatabase(db).then(() => true, () => false),
      producer.ping().then(() => true, () => false),
      migrationsCurrent(db).catch(() => false),
    ]);
    return { postgres: pgOk, redis: redisOk, migrations: migrated };
  };
  const ops = createWebOps(config, db, log, principals);
  // Directory health: counted and buffered in memory, written in one batch per interval (no round trip per request).
  const health = new ScimHealthRecorder(new ScimHealthStore(db), { flushIntervalMs: config.health.flushIntervalMs }, log.child({ part: 'directory-health' }));
  health.start();
  const app = createApp({ config, log, db, directories, principals, dispatcher, readiness, ops, health });
  const server = createServer(config, app.callback());
  // Heroku's router keeps idle connections up to 90 s; stay above it so keep-alive never races a close.
  server.keepAliveTimeout = 95_000;
  server.headersTimeout = 96_000;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(port, resolve));
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  log.info({ port: boundPort }, 'web listening');

  const closers: Closer[] = [
    {
      name: 'http server',
      // Stop accepting; in-flight requests finish (each waits at most SCIM_REPLY_TIMEOUT_MS); idle keep-alive sockets close now.
      close: () => closeHttpServer(server),
    },
    // After the server: the requests it drained are recorded too. Before the pool closes.
    { name: 'directory health', close: () => health.close() },
    { name: 'scim queue', close: () => queue.close() },
    ...ops.closers,
    { name: 'redis', close: () => Promise.allSettled([subscriber.quit(), producer.quit()]) },
    { name: 'change listener', close: () => { clearInterval(markerRefresh); clearInterval(enqueueTotals); stopLocalAuthChanges(); return listener.close(); } },
    { name: 'postgres', close: () => db.destroy() },
  ];
  return { server, app, port: boundPort, db, closers };
}
