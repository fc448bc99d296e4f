import { z } from 'zod';

/**
 * The one reader of `process.env`. Every variable is documented here and in
 * docs/configuration.md; a bad value stops the process with one message that
 * lists every problem: fail fast, all at once.
 */
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HTTP port of the web process (Heroku sets it). */
  PORT: int(1, 65535).default(3000),
  /** PostgreSQL connection string (Heroku Postgres sets it). */
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/dirsync'),
  /** `true` forces TLS to PostgreSQL (certificate not verified, as Heroku Postgres needs), `false` disables it, `auto` uses TLS in production for non-loopback hosts. */
  DATABASE_SSL: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Redis connection string; `rediss://` enables TLS. */
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Verify the Redis TLS certificate (Heroku Redis uses self-signed certificates: leave false there). */
  REDIS_TLS_VERIFY: boolish.default(false),
  /** Public base URL printed in SCIM endpoint URLs (defaults to http://localhost:PORT). */
  PUBLIC_URL: z.string().url().optional(),
  /** BullMQ key prefix. The `{…}` hash tag keeps every queue key in one Redis Cluster slot. */
  QUEUE_PREFIX: z.string().min(1).default('{dirsync}'),
  /** Concurrent SCIM jobs per worker process, and the most writes other than user creates that apply at once across them (a job may carry a batch of writes; creates group-commit instead). */
  WORKER_CONCURRENCY: int(1, 256).default(8),
  /** BullMQ job lock (ms), renewed at half this while a job runs; a job of a SIGKILLed worker is taken over within about twice this (docs/chaos.md). */
  WORKER_LOCK_MS: int(2000, 600_000).default(30_000),
  /** Web processes per dyno (used by the cluster launcher). */
  WEB_CONCURRENCY: int(1, 64).default(1),
  /** PostgreSQL pool size of a web process. */
  PG_POOL_MAX_WEB: int(1, 500).default(5),
  /** PostgreSQL pool size of a worker process (defaults to WORKER_CONCURRENCY + DELIVERY_CONCURRENCY + 2). */
  PG_POOL_MAX_WORKER: int(1, 500).optional(),
  /** How long the receiver waits for the worker's result before answering 503 + Retry-After (ms). Keep under Heroku's 30 s router limit. */
  SCIM_REPLY_TIMEOUT_MS: int(100, 28_000).default(20_000),
  /** Most SCIM writes a web process puts into one BullMQ job when they arrive together (1 = a job per write). */
  SCIM_ENQUEUE_MAX_BATCH: int(1, 500).default(32),
  /** Enqueues a web process has on their way to Redis at once; writes arriving meanwhile go together in the next job. */
  SCIM_ENQUEUE_MAX_IN_FLIGHT: int(1, 64).default(1),
  /** How long a web process trusts its cached copy of a directory's tokens without a change notification (ms); revocations arrive by notification within milliseconds, this is the backstop. */
  AUTH_CACHE_TTL_MS: int(0, 600_000).default(5000),
  /** Retry-After seconds sent with 503 and 429. */
  SCIM_RETRY_AFTER_SECONDS: int(1, 3600).default(5),
  /** Largest SCIM request body accepted (bytes); larger → 413. */
  SCIM_MAX_BODY_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Deepest JSON nesting accepted in a SCIM body. */
  SCIM_MAX_JSON_DEPTH: int(4, 256).default(32),
  /** Cap on `count` (advertised as filter.maxResults). */
  SCIM_MAX_RESULTS: int(1, 10_000).default(1000),
  /** Most PATCH operations in one request. */
  SCIM_MAX_PATCH_OPERATIONS: int(1, 100_000).default(5000),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Key of the app-owner admin API and the ops board's Basic-auth password. */
  ADMIN_API_KEY: z.string().min(16).optional(),
  /** Bull Board (/ops/queues) may retry, remove and promote jobs when true; read-only otherwise. */
  OPS_BOARD_WRITE: boolish.default(false),
  /** Serve /metrics without Basic auth (only on a private network). */
  METRICS_PUBLIC: boolish.default(false),
  /** Authenticated SCIM requests a directory may make per window (all web processes together); 0 disables the limit. */
  SCIM_RATE_LIMIT: int(0, 1_000_000).default(60_000),
  /** Window of SCIM_RATE_LIMIT (seconds). */
  SCIM_RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(60),
  /**
   * Reverse proxies in front of the web process whose X-Forwarded-For / X-Forwarded-Proto are believed
   * (0: none, the socket peer is the client). Unset: 1 on Heroku (DYNO is set: its router is one hop), else 0.
   */
  TRUST_PROXY: int(0, 16).optional(),
  /** Failed SCIM authentications a client IP may make per window before it gets 429; 0 disables. */
  SCIM_AUTH_FAILURE_LIMIT: int(0, 1_000_000).default(300),
  /** Window of SCIM_AUTH_FAILURE_LIMIT (seconds). */
  SCIM_AUTH_FAILURE_WINDOW_SECONDS: int(1, 86_400).default(60),
  /** PEM certificate file for direct TLS (deployments without a TLS-terminating router); needs TLS_KEY. */
  TLS_CERT: z.string().optional(),
  /** PEM private key file for direct TLS; needs TLS_CERT. */
  TLS_KEY: z.string().optional(),
  /** max-age of the Strict-Transport-Security header on portal pages served over HTTPS (seconds). */
  HSTS_MAX_AGE_SECONDS: int(0, 63_072_000).default(31_536_000),
  /** Delivery attempts per (event, sink) before a dead letter (docs/delivery.md). */
  DELIVERY_MAX_ATTEMPTS: int(1, 100).default(12),
  /** First retry delay (ms); doubles per attempt up to DELIVERY_BACKOFF_MAX_MS, with equal jitter (half fixed, half random). */
  DELIVERY_BACKOFF_BASE_MS: int(1, 3_600_000).default(2000),
  /** Longest delay between two backoff attempts (ms). A Retry-After is honoured up to max(this, 1 h). */
  DELIVERY_BACKOFF_MAX_MS: int(1, 86_400_000).default(3_600_000),
  /** How long a receiver may keep answering 429/503 with Retry-After before the delivery is dead-lettered (ms). Such answers do not use DELIVERY_MAX_ATTEMPTS (docs/delivery.md). */
  DELIVERY_THROTTLE_BUDGET_MS: int(1000, 30 * 86_400_000).default(86_400_000),
  /** Outbox drains (sequencer, app-model batch, webhook batch) running at once per worker process. */
  DELIVERY_CONCURRENCY: int(1, 256).default(8),
  /** Events per app-model batch: one transaction applies them and moves the cursor (docs/delivery.md). */
  DELIVERY_BATCH_SIZE: int(1, 5000).default(500),
  /** Default webhook request timeout (ms). */
  DELIVERY_WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(10_000),
  /** How often the outbox drainer's backstop poll looks in PostgreSQL for work nobody announced (ms): events from the web process or another worker, work left by a restart. One cheap query. */
  DELIVERY_SWEEP_INTERVAL_MS: int(100, 3_600_000).default(1000),
  /** How long the outbox drainer lets committed events collect before a round (ms). A round costs the same ~10 statements for 1 event or 500, so under load a longer wait means fewer rounds per write; delivery lag grows by about this much. */
  DELIVERY_COALESCE_MS: int(0, 5000).default(100),
  /** PostgreSQL schema holding the app user model (app_users, app_groups, app_memberships): point the built-in sink at the app's own schema. Applied by `npm run release`. */
  APP_MODEL_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier').default('public'),
  /** Optional key that encrypts webhook secrets at rest (AES-256-GCM over its SHA-256). */
  DELIVERY_SECRET_KEY: z.string().min(16).optional(),
  /** Development switch: webhook sinks may point at loopback (127.0.0.0/8, ::1, localhost; http allowed there outside production). Off by default; every other private, link-local or metadata address stays refused (docs/security.md). */
  WEBHOOK_ALLOW_LOOPBACK: boolish.default(false),
  /** Days an outbox event is kept once every enabled sink has consumed it (events a sink has not consumed, or that a failing delivery or live dead letter refers to, are never pruned); 0 keeps events forever. The events API answers 410 Gone for a cursor older than what is kept. */
  RETENTION_EVENTS_DAYS: int(0, 36_500).default(30),
  /** Days the SCIM write log (`operations`: idempotency records, the portal's activity) is kept; 0 keeps it forever. */
  RETENTION_OPERATIONS_DAYS: int(0, 36_500).default(30),
  /** Days a delivered `deliveries` row (a retried or replayed delivery that went through) and a replayed dead letter are kept; 0 keeps them forever. Dead letters not replayed are never pruned. */
  RETENTION_DELIVERIES_DAYS: int(0, 36_500).default(7),
  /** How often a worker process runs the retention job (ms); one worker at a time prunes (PostgreSQL advisory lock). */
  RETENTION_INTERVAL_MS: int(10_000, 7 * 86_400_000).default(600_000),
  /** Rows deleted per retention statement (each its own short transaction). */
  RETENTION_BATCH_SIZE: int(1, 100_000).default(1000),
  /** Pause between two retention batches (ms), so pruning never crowds out writes. */
  RETENTION_BATCH_PAUSE_MS: int(0, 60_000).default(100),
  /** Days a rejected SCIM request (4xx) and the hourly request counters are kept for directory health; 0 keeps them forever. */
  RETENTION_REJECTIONS_DAYS: int(0, 36_500).default(7),
  /** Rejected-request records kept per directory (the newest); the retention job deletes older ones beyond it. 0: no cap. */
  RETENTION_REJECTIONS_MAX_PER_DIRECTORY: int(0, 10_000_000).default(10_000),
  /** How often each web process writes its buffered directory-health records and request counts (ms). */
  HEALTH_FLUSH_INTERVAL_MS: int(50, 60_000).default(1000),
  /** Interval of the scheduled drift reconciliation of every directory (ms). */
  RECONCILE_INTERVAL_MS: int(1000, 7 * 86_400_000).default(3_600_000),
  /** Whether scheduled reconciliation repairs the drift it finds (on-demand runs repair only with --repair). */
  RECONCILE_REPAIR_ON_SCHEDULE: boolish.default(true),
  /** Deprovisioning circuit breaker (docs/circuit-breaker.md): on for every directory unless false here or turned off for a directory. */
  BREAKER_ENABLED: boolish.default(true),
  /** Sliding window over which a directory's destructive changes are counted (seconds). */
  BREAKER_WINDOW_SECONDS: int(60, 86_400).default(900),
  /** Destructive changes (distinct people, or deleted groups) in the window that, together with BREAKER_MIN_PERCENT, trip the breaker. */
  BREAKER_MIN_COUNT: int(1, 1_000_000).default(20),
  /** Share of the directory's active users (percent) that the destructive changes in the window must also reach. */
  BREAKER_MIN_PERCENT: z.coerce.number().min(0).max(100).default(10),
  /** HMAC-SHA256 key that signs Admin Portal links (at least 32 characters). Required in production; in development a random one is kept in the database (table portal_secrets) so the CLI and the server agree. */
  PORTAL_SECRET: z.string().min(32).optional(),
  /** How long an Admin Portal link stays valid (seconds); links are also single-use. */
  PORTAL_LINK_TTL_SECONDS: int(60, 7 * 24 * 3600).default(900),
  /** How long an Admin Portal session lasts after the link is opened (seconds). */
  PORTAL_SESSION_TTL_SECONDS: int(300, 7 * 24 * 3600).default(8 * 3600),
  /** After a token rotation in the portal, how long the previous tokens keep working (seconds) unless revoked. */
  TOKEN_ROTATION_GRACE_SECONDS: int(0, 30 * 24 * 3600).default(24 * 3600),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string;
  readonly databaseSsl: boolean;
  /** Schema of the app user model tables (docs/app-user-model.md). */
  readonly appModelSchema: string;
  readonly redisUrl: string;
  readonly redisTlsVerify: boolean;
  readonly queuePrefix: string;
  readonly workerConcurrency: number;
  readonly workerLockMs: number;
  readonly webConcurrency: number;
  readonly pgPoolMaxWeb: number;
  readonly pgPoolMaxWorker: number;
  readonly scim: {
    readonly replyTimeoutMs: number;
    readonly retryAfterSeconds: number;
    readonly maxBodyBytes: number;
    readonly maxJsonDepth: number;
    readonly maxResults: number;
    readonly maxPatchOperations: number;
    readonly authCacheTtlMs: number;
    readonly enqueueMaxBatch: number;
    readonly enqueueMaxInFlight: number;
  };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly adminApiKey: string | undefined;
  readonly ops: {
    readonly boardWrite: boolean;
    readonly metricsPublic: boolean;
    readonly hstsMaxAgeSeconds: number;
    /** Direct TLS files, when both TLS_CERT and TLS_KEY are set. */
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  };
  /** Trusted reverse-proxy hops (TRUST_PROXY): how many X-Forwarded-For entries, counted from the right, are believed. */
  readonly trustProxy: number;
  readonly rateLimit: {
    readonly scimLimit: number;
    readonly scimWindowSeconds: number;
    readonly authFailureLimit: number;
    readonly authFailureWindowSeconds: number;
  };
  readonly delivery: {
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly throttleBudgetMs: number;
    readonly concurrency: number;
    readonly webhookTimeoutMs: number;
    readonly sweepIntervalMs: number;
    readonly coalesceMs: number;
    readonly batchSize: number;
    readonly secretKey: string | undefined;
    /** WEBHOOK_ALLOW_LOOPBACK. */
    readonly webhookAllowLoopback: boolean;
  };
  /** Retention (docs/operations.md, "Retention"): days kept per table (0 = forever) and the pruning job's pace. */
  readonly retention: {
    readonly eventsDays: number;
    readonly operationsDays: number;
    readonly deliveriesDays: number;
    readonly intervalMs: number;
    readonly batchSize: number;
    readonly pauseMs: number;
    /** RETENTION_REJECTIONS_DAYS: rejected requests and hourly request counters. */
    readonly rejectionsDays: number;
    /** RETENTION_REJECTIONS_MAX_PER_DIRECTORY (0: no cap). */
    readonly rejectionsMaxPerDirectory: number;
  };
  /** Directory health (rejected requests, 4xx share): HEALTH_FLUSH_INTERVAL_MS. */
  readonly health: {
    readonly flushIntervalMs: number;
  };
  readonly reconcile: {
    readonly intervalMs: number;
    readonly repairOnSchedule: boolean;
  };
  /** Global defaults of the deprovisioning circuit breaker; each directory may override them. */
  readonly breaker: {
    readonly enabled: boolean;
    readonly windowSeconds: number;
    readonly minCount: number;
    readonly minPercent: number;
  };
  readonly portal: {
    /** undefined outside production: src/portal-access/portal-secret.ts falls back to a development secret. */
    readonly secret: string | undefined;
    readonly linkTtlSeconds: number;
    readonly sessionTtlSeconds: number;
    readonly rotationGraceSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** Parses an environment (default `process.env`) into a frozen Config, or throws ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') raw[k] = v;
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (!/^rediss?:\/\//.test(e.REDIS_URL)) problems.push('REDIS_URL: must start with redis:// or rediss://');
  if (e.NODE_ENV === 'production' && !e.ADMIN_API_KEY) problems.push('ADMIN_API_KEY: required in production (at least 16 characters)');
  if (Boolean(e.TLS_CERT) !== Boolean(e.TLS_KEY)) problems.push('TLS_CERT and TLS_KEY: set both (direct TLS) or neither');
  if (e.NODE_ENV === 'production' && !e.PORTAL_SECRET) problems.push('PORTAL_SECRET: required in production (at least 32 characters)');
  if (problems.length) throw new ConfigError(problems);

  const databaseSsl = e.DATABASE_SSL === 'auto' ? e.NODE_ENV === 'production' && !isLoopbackUrl(e.DATABASE_URL) : e.DATABASE_SSL === 'true';
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    databaseSsl,
    appModelSchema: e.APP_MODEL_SCHEMA,
    redisUrl: e.REDIS_URL,
    redisTlsVerify: e.REDIS_TLS_VERIFY,
    queuePrefix: e.QUEUE_PREFIX,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerLockMs: e.WORKER_LOCK_MS,
    webConcurrency: e.WEB_CONCURRENCY,
    pgPoolMaxWeb: e.PG_POOL_MAX_WEB,
    // Each SCIM job and each running drain holds at most one connection; +2 for the drainer's poll and reconcile.
    pgPoolMaxWorker: e.PG_POOL_MAX_WORKER ?? e.WORKER_CONCURRENCY + e.DELIVERY_CONCURRENCY + 2,
    scim: Object.freeze({
      replyTimeoutMs: e.SCIM_REPLY_TIMEOUT_MS,
      retryAfterSeconds: e.SCIM_RETRY_AFTER_SECONDS,
      maxBodyBytes: e.SCIM_MAX_BODY_BYTES,
      maxJsonDepth: e.SCIM_MAX_JSON_DEPTH,
      maxResults: e.SCIM_MAX_RESULTS,
      maxPatchOperations: e.SCIM_MAX_PATCH_OPERATIONS,
      authCacheTtlMs: e.AUTH_CACHE_TTL_MS,
      enqueueMaxBatch: e.SCIM_ENQUEUE_MAX_BATCH,
      enqueueMaxInFlight: e.SCIM_ENQUEUE_MAX_IN_FLIGHT,
    }),
    logLevel: e.LOG_LEVEL,
    adminApiKey: e.ADMIN_API_KEY,
    ops: Object.freeze({
      boardWrite: e.OPS_BOARD_WRITE,
      metricsPublic: e.METRICS_PUBLIC,
      hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS,
      tls: e.TLS_CERT && e.TLS_KEY ? Object.freeze({ certFile: e.TLS_CERT, keyFile: e.TLS_KEY }) : undefined,
    }),
    // Heroku sets DYNO on every dyno; its router is the one hop in front of the web process.
    trustProxy: e.TRUST_PROXY ?? (raw['DYNO'] ? 1 : 0),
    rateLimit: Object.freeze({
      scimLimit: e.SCIM_RATE_LIMIT,
      scimWindowSeconds: e.SCIM_RATE_LIMIT_WINDOW_SECONDS,
      authFailureLimit: e.SCIM_AUTH_FAILURE_LIMIT,
      authFailureWindowSeconds: e.SCIM_AUTH_FAILURE_WINDOW_SECONDS,
    }),
    delivery: Object.freeze({
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: e.DELIVERY_BACKOFF_BASE_MS,
      backoffMaxMs: e.DELIVERY_BACKOFF_MAX_MS,
      throttleBudgetMs: e.DELIVERY_THROTTLE_BUDGET_MS,
      concurrency: e.DELIVERY_CONCURRENCY,
      webhookTimeoutMs: e.DELIVERY_WEBHOOK_TIMEOUT_MS,
      sweepIntervalMs: e.DELIVERY_SWEEP_INTERVAL_MS,
      coalesceMs: e.DELIVERY_COALESCE_MS,
      batchSize: e.DELIVERY_BATCH_SIZE,
      secretKey: e.DELIVERY_SECRET_KEY,
      webhookAllowLoopback: e.WEBHOOK_ALLOW_LOOPBACK,
    }),
    retention: Object.freeze({
      eventsDays: e.RETENTION_EVENTS_DAYS,
      operationsDays: e.RETENTION_OPERATIONS_DAYS,
      deliveriesDays: e.RETENTION_DELIVERIES_DAYS,
      intervalMs: e.RETENTION_INTERVAL_MS,
      batchSize: e.RETENTION_BATCH_SIZE,
      pauseMs: e.RETENTION_BATCH_PAUSE_MS,
      rejectionsDays: e.RETENTION_REJECTIONS_DAYS,
      rejectionsMaxPerDirectory: e.RETENTION_REJECTIONS_MAX_PER_DIRECTORY,
    }),
    health: Object.freeze({ flushIntervalMs: e.HEALTH_FLUSH_INTERVAL_MS }),
    reconcile: Object.freeze({
      intervalMs: e.RECONCILE_INTERVAL_MS,
      repairOnSchedule: e.RECONCILE_REPAIR_ON_SCHEDULE,
    }),
    breaker: Object.freeze({
      enabled: e.BREAKER_ENABLED,
      windowSeconds: e.BREAKER_WINDOW_SECONDS,
      minCount: e.BREAKER_MIN_COUNT,
      minPercent: e.BREAKER_MIN_PERCENT,
    }),
    portal: Object.freeze({
      secret: e.PORTAL_SECRET,
      linkTtlSeconds: e.PORTAL_LINK_TTL_SECONDS,
      sessionTtlSeconds: e.PORTAL_SESSION_TTL_SECONDS,
      rotationGraceSeconds: e.TOKEN_ROTATION_GRACE_SECONDS,
    }),
  });
}

/**
 * WEBHOOK_ALLOW_LOOPBACK alone, for the webhook connect path, which is not handed a Config
 * (its caller's signature is shared with the delivery worker); an invalid value counts as off.
 */
export function webhookLoopbackAllowed(source: NodeJS.ProcessEnv = process.env): boolean {
  const parsed = EnvSchema.shape.WEBHOOK_ALLOW_LOOPBACK.safeParse(source['WEBHOOK_ALLOW_LOOPBACK'] || undefined);
  return parsed.success && parsed.data;
}
