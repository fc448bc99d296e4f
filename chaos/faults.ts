import fs from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Phase } from './workload';
import type { Service } from './service';
import type { RedisProcess } from './redis-process';
import type { PgProxy } from './pg-proxy';
import type { ChaosReceiver } from './webhook-receiver';

export const SCENARIOS = ['worker-kill', 'redis-wipe', 'postgres-restart', 'webhook-down'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface WebhookOutage {
  refusedMs: number;
  errorMs: number;
  throttleMs: number;
  retryAfterSeconds: number;
}

/** What a fault can reach: the processes, the private Redis, the PostgreSQL proxy and the fake app. */
export interface FaultContext {
  service: Service;
  redis: RedisProcess;
  proxy: PgProxy;
  receiver: ChaosReceiver;
  pgDirectUrl: string;
  databaseName: string;
  queuePrefix: string;
  outage: WebhookOutage;
  log: (line: string) => void;
}

/** A fault: triggers at an import fraction and/or at a phase; `run` resolves when the system is restored. */
export interface Fault {
  importFraction: number;
  onImport: (ctx: FaultContext) => Promise<void>;
  phase?: Phase;
  onPhase?: (ctx: FaultContext) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function activeScimJobs(ctx: FaultContext): Promise<number> {
  const r = new Redis(ctx.redis.url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  r.on('error', () => undefined);
  try {
    return await r.llen(`${ctx.queuePrefix}:scim:active`);
  } catch {
    return -1;
  } finally {
    r.disconnect();
  }
}

async function killWorker(ctx: FaultContext, name: string): Promise<void> {
  const active = await activeScimJobs(ctx);
  await ctx.service.kill9(name);
  ctx.log(`fault: SIGKILL ${name} (${active} scim jobs active in the queue at that moment)`);
  await sleep(2000);
  const logFile = ctx.service.processes.get(name)?.logFile;
  const offset = logFile && fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const restarted = ctx.service.restart(name);
  // Restored means running again: delivery may converge within a second now, and a
  // SIGTERM that lands while the new process is still starting would look like a crash.
  for (let i = 0; i < 300 && restarted.proc.exitCode === null; i++) {
    if (fs.readFileSync(restarted.logFile, 'utf8').slice(offset).includes('"msg":"workers started"')) break;
    await sleep(200);
  }
  ctx.log(`fault: ${name} restarted`);
}

/** Terminates every backend of the chaos database, repeatedly (an outage the shared cluster survives). */
async function terminateBackends(ctx: FaultContext, forMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: ctx.pgDirectUrl });
  await client.connect();
  let killed = 0;
  try {
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      const res = await client.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [ctx.databaseName]);
      killed += Number(res.rows[0]?.n ?? 0);
      await sleep(200);
    }
  } finally {
    await client.end();
  }
  return killed;
}

export const FAULTS: Record<ScenarioName, Fault> = {
  'worker-kill': {
    importFraction: 0.35,
    onImport: (ctx) => killWorker(ctx, 'worker-1'),
    phase: 'memberships',
    onPhase: (ctx) => killWorker(ctx, 'worker-2'),
  },
  'redis-wipe': {
    importFraction: 0.35,
    onImport: async (ctx) => {
      await ctx.redis.flushAll();
      ctx.log('fault: FLUSHALL on the service Redis (queued jobs, locks, rate-limit keys gone)');
    },
    phase: 'memberships',
    onPhase: async (ctx) => {
      await ctx.redis.kill9();
      ctx.log('fault: redis-server SIGKILLed (no persistence: its data is gone)');
      await sleep(3000);
      await ctx.redis.start();
      ctx.log('fault: redis-server restarted empty');
    },
  },
  'postgres-restart': {
    importFraction: 0.35,
    onImport: async (ctx) => {
      const killed = await terminateBackends(ctx, 4000);
      ctx.log(`fault: pg_terminate_backend on every backend of ${ctx.databaseName} for 4 s (${killed} terminated)`);
    },
    phase: 'memberships',
    onPhase: async (ctx) => {
      const cut = ctx.proxy.cutAll();
      await ctx.proxy.stop();
      ctx.log(`fault: PostgreSQL "restart": proxy cut ${cut} connections and refuses new ones for 5 s`);
      await sleep(5000);
      await ctx.proxy.start();
      ctx.log('fault: PostgreSQL proxy accepting again');
    },
  },
  'webhook-down': {
    importFraction: 0.2,
    onImport: async (ctx) => {
      const o = ctx.outage;
      await ctx.receiver.setMode('down');
      ctx.log(`fault: webhook receiver down (connection refused) for ${o.refusedMs / 1000} s`);
      await sleep(o.refusedMs);
      await ctx.receiver.setMode('error500');
      ctx.log(`fault: webhook receiver answers 500 for ${o.errorMs / 1000} s`);
      await sleep(o.errorMs);
      ctx.receiver.retryAfterSeconds = o.retryAfterSeconds;
      await ctx.receiver.setMode('throttle429');
      ctx.log(`fault: webhook receiver answers 429 Retry-After ${o.retryAfterSeconds} for ${o.throttleMs / 1000} s`);
      await sleep(o.throttleMs);
      await ctx.receiver.setMode('up');
      ctx.log('fault: webhook receiver back');
    },
  },
};
