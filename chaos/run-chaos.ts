import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config';
import { createDb, type Db } from '../src/store/db';
import { dropDatabase } from '../src/store/ensure-database';
import { OrganizationStore } from '../src/store/organization-store';
import { DirectoryStore } from '../src/store/directory-store';
import { SinkStore } from '../src/store/sink-store';
import { RoleMappingStore } from '../src/app-model/role-mapping-store';
import { generateWebhookSecret } from '../src/delivery/webhook-secret';
import { freePort } from '../test/support/test-env';
import { PgProxy } from './pg-proxy';
import { RedisProcess } from './redis-process';
import { Service } from './service';
import { ChaosReceiver } from './webhook-receiver';
import { oktaClient } from './okta-client';
import { chaosRoleMappings, runOktaWorkload, type ExpectedState } from './workload';
import { FAULTS, type FaultContext, type ScenarioName, type WebhookOutage } from './faults';
import { verifyAppModel, verifyDirectory, verifyNoSecrets, verifyWebhook, type Check } from './verify';

export interface ChaosOptions {
  users: number;
  groups: number;
  lanes: number;
  scenarios: ScenarioName[];
  outage: WebhookOutage;
  /** How long the app model and the webhook may take to converge after the workload (ms). */
  convergeTimeoutMs: number;
  log: (line: string) => void;
  keepOnFailure?: boolean;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  ok: boolean;
  seconds: number;
  checks: Check[];
  counts: Record<string, number>;
  logDir: string;
}

const PG_HOST = '127.0.0.1';
const PG_PORT = 5432;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Service settings for the run (docs/chaos.md says why each differs from the default):
 * no SCIM rate limit (one directory sends everything), an 8 s reply timeout (requests
 * whose job a fault lost get their 503 sooner), a 2 s backstop poll, a delivery retry
 * budget that outlasts the webhook outage, and no scheduled repair (it would hide a loss).
 */
function serviceEnv(databaseUrl: string, redisUrl: string, prefix: string, webPort: number): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    PORT: String(webPort),
    PUBLIC_URL: `http://127.0.0.1:${webPort}`,
    WEB_CONCURRENCY: '1',
    LOG_LEVEL: 'debug',
    WORKER_CONCURRENCY: '4',
    WORKER_LOCK_MS: '5000',
    DELIVERY_CONCURRENCY: '8',
    SCIM_RATE_LIMIT: '0',
    SCIM_REPLY_TIMEOUT_MS: '8000',
    SCIM_RETRY_AFTER_SECONDS: '1',
    DELIVERY_SWEEP_INTERVAL_MS: '2000',
    DELIVERY_BACKOFF_BASE_MS: '1000',
    DELIVERY_BACKOFF_MAX_MS: '15000',
    DELIVERY_MAX_ATTEMPTS: '40',
    DELIVERY_WEBHOOK_TIMEOUT_MS: '5000',
    RECONCILE_REPAIR_ON_SCHEDULE: 'false',
    // The workload deactivates 10 % of the users at once, which the deprovisioning circuit
    // breaker would (rightly) hold; chaos checks delivery, so the breaker is off here.
    BREAKER_ENABLED: 'false',
    // The chaos receiver listens on 127.0.0.1 (docs/security.md: the development switch).
    WEBHOOK_ALLOW_LOOPBACK: 'true',
  };
}

export async function runScenario(scenario: ScenarioName, opts: ChaosOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const id = randomBytes(4).toString('hex');
  const databaseName = `dirsync_chaos_${id}`;
  const pgDirectUrl = `postgres://postgres@${PG_HOST}:${PG_PORT}/${databaseName}`;
  const prefix = `{chaos-${id}}`;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `dirsync-chaos-${scenario}-`));
  const log = (line: string) => opts.log(`[${scenario} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const checks: Check[] = [];

  const redis = new RedisProcess(await freePort(), path.join(logDir, 'redis-server.out'));
  const proxy = new PgProxy(PG_HOST, PG_PORT);
  const receiver = new ChaosReceiver();
  const webPort = await freePort();
  await redis.start();
  await proxy.start();
  await receiver.listen();
  const service = new Service(serviceEnv(`postgres://postgres@127.0.0.1:${proxy.port}/${databaseName}`, redis.url, prefix, webPort), logDir);
  let db: Db | undefined;
  let secrets: Record<string, string> = {};
  let state: ExpectedState | undefined;
  const counts: Record<string, number> = {};
  try {
    log(`fresh database ${databaseName}, own redis-server :${redis.port}, PostgreSQL via proxy :${proxy.port}, prefix ${prefix}, logs ${logDir}`);
    await service.release();
    db = createDb(loadConfig({ NODE_ENV: 'development', DATABASE_URL: pgDirectUrl }), 3);
    const org = await new OrganizationStore(db).create(`Chaos ${scenario} ${id}`, true);
    const { directory, token } = await new DirectoryStore(db).create(org.id, 'okta');
    const sinks = new SinkStore(db);
    await sinks.ensureBuiltIn(org.id);
    receiver.secret = generateWebhookSecret();
    await sinks.createWebhook(org.id, { name: 'chaos app', url: receiver.url, sealedSecret: receiver.secret, timeoutMs: 5000 });
    for (const m of chaosRoleMappings()) await new RoleMappingStore(db).add(org.id, m.groupName, m.role);
    secrets = { 'SCIM token': token, 'webhook secret': receiver.secret, 'webhook key': receiver.secret.slice('whsec_'.length), 'Okta password': 'xK9!placeholder-Okta' };

    // The run's own pool is closed during the workload: the PostgreSQL faults cut every connection of this database.
    await db.destroy();
    db = undefined;

    service.spawn('worker-1', 'worker');
    service.spawn('worker-2', 'worker');
    service.spawn('web', 'web');
    await service.waitReady(`http://127.0.0.1:${webPort}`);
    log('web + 2 workers ready');

    const ctx: FaultContext = { service, redis, proxy, receiver, pgDirectUrl, databaseName, queuePrefix: prefix, outage: opts.outage, log };
    const fault = FAULTS[scenario];
    const faultRuns: Promise<void>[] = [];
    let importFired = false;
    const client = oktaClient(`http://127.0.0.1:${webPort}/scim/v2/${directory.id}`, token);
    let lastDecile = 0;
    state = await runOktaWorkload(client, {
      users: opts.users,
      groups: opts.groups,
      lanes: opts.lanes,
      onImportProgress: (done, total) => {
        if (!importFired && done >= total * fault.importFraction) {
          importFired = true;
          faultRuns.push(fault.onImport(ctx));
        }
        const decile = Math.floor((done / total) * 4);
        if (decile > lastDecile) {
          lastDecile = decile;
          log(`import ${done}/${total} users (requests ${client.stats.requests}, retried: 503 ${client.stats.retried503}, 429 ${client.stats.retried429}, network ${client.stats.retriedNetwork})`);
        }
      },
      onPhase: (phase) => {
        log(`phase ${phase}`);
        if (phase === fault.phase && fault.onPhase) faultRuns.push(fault.onPhase(ctx));
      },
    });
    log(`workload done: ${state.users.length} users, ${state.groups.length} groups, ${state.acknowledged.patches} PATCH + ${state.acknowledged.puts} PUT acknowledged; client retried 503 ${client.stats.retried503}×, 429 ${client.stats.retried429}×, network ${client.stats.retriedNetwork}×`);
    await Promise.all(faultRuns);
    Object.assign(counts, { users: state.users.length, groups: state.groups.length, memberships: state.groups.reduce((n, g) => n + g.members.size, 0), patches: state.acknowledged.patches, puts: state.acknowledged.puts, requests: client.stats.requests, retried503: client.stats.retried503, retried429: client.stats.retried429, retriedNetwork: client.stats.retriedNetwork });
    checks.push({ ok: client.stats.other5xx === 0, what: `no 5xx other than 503 seen by the client (${client.stats.other5xx})` });
    const verifyDb = (db = createDb(loadConfig({ NODE_ENV: 'development', DATABASE_URL: pgDirectUrl }), 3));
    checks.push(...(await verifyDirectory(verifyDb, directory.id, state)));

    // Delivery converges after the fault: poll the app model and the webhook until both hold.
    const until = Date.now() + opts.convergeTimeoutMs;
    let last: Check[] = [];
    for (;;) {
      last = [...(await verifyAppModel(verifyDb, org.id, directory.id, state)), ...(await verifyWebhook(verifyDb, org.id, receiver))];
      if (last.every((c) => c.ok) || Date.now() > until) break;
      const pending = last.filter((c) => !c.ok).map((c) => c.what);
      log(`waiting for delivery: ${pending[0]}${pending.length > 1 ? ` (+${pending.length - 1} more)` : ''}`);
      await sleep(3000);
    }
    checks.push(...last);
    counts['events'] = Number((await verifyDb('events').where({ organization_id: org.id }).count('* as n'))[0]?.n ?? 0);
    counts['webhookRequests'] = receiver.counts.requests;
    counts['webhookDuplicates'] = receiver.counts.duplicates;
  } catch (error) {
    checks.push({ ok: false, what: `run aborted: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    const codes = await service.stop();
    const bad = Object.entries(codes).filter(([, c]) => c !== 0);
    checks.push({ ok: bad.length === 0, what: `graceful stop (SIGTERM) of ${Object.keys(codes).join(', ')}: ${bad.length ? JSON.stringify(Object.fromEntries(bad)) : 'all exit 0'}` });
    if (Object.keys(secrets).length) checks.push(...verifyNoSecrets(service.readLogs(), secrets));
    await redis.stop();
    await proxy.stop();
    await receiver.close();
    await db?.destroy();
  }
  const ok = checks.every((c) => c.ok);
  for (const c of checks) log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}`);
  if (ok || !opts.keepOnFailure) {
    await dropDatabase(pgDirectUrl).catch(() => undefined);
    if (ok) fs.rmSync(logDir, { recursive: true, force: true });
  } else log(`kept for inspection: database ${databaseName}, logs ${logDir}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`${ok ? 'PASS' : 'FAIL'} in ${seconds} s`);
  return { scenario, ok, seconds, checks, counts, logDir };
}

/** Runs the scenarios one after another (each on its own database, Redis and processes). */
export async function runChaos(opts: ChaosOptions): Promise<{ ok: boolean; results: ScenarioResult[] }> {
  const results: ScenarioResult[] = [];
  for (const s of opts.scenarios) results.push(await runScenario(s, opts));
  return { ok: results.every((r) => r.ok), results };
}

export function summarise(results: ScenarioResult[]): string {
  const lines = ['', 'chaos summary', 'scenario            result  time   users groups members patches  503s  429s  net  events  webhook reqs (dups)'];
  for (const r of results) {
    const c = r.counts;
    const n = (k: string, w: number) => String(c[k] ?? '-').padStart(w);
    lines.push(`${r.scenario.padEnd(19)} ${(r.ok ? 'PASS' : 'FAIL').padEnd(6)} ${`${r.seconds}s`.padStart(5)} ${n('users', 7)} ${n('groups', 6)} ${n('memberships', 7)} ${n('patches', 7)} ${n('retried503', 5)} ${n('retried429', 5)} ${n('retriedNetwork', 4)} ${n('events', 7)} ${n('webhookRequests', 8)} (${c['webhookDuplicates'] ?? '-'})`);
    for (const f of r.checks.filter((x) => !x.ok)) lines.push(`    FAIL ${f.what}`);
  }
  lines.push(results.every((r) => r.ok) ? 'PASS: nothing lost, nothing applied twice' : 'FAIL: see the lines above');
  return lines.join('\n');
}
