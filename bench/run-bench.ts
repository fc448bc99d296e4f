import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createDb } from '../src/store/db';
import { dropDatabase, ensureDatabase } from '../src/store/ensure-database';
import { OrganizationStore } from '../src/store/organization-store';
import { DirectoryStore } from '../src/store/directory-store';
import { freePort } from '../test/support/test-env';
import { createBenchClient, type LoadResult } from './closed-loop';
import { killAllSync, runToCompletion, startService, waitForHttp, waitForLog, type ServiceProcess } from './processes';
import { seedGroup, seedUsers, userIdsBySeq } from './seed';
import { DeliveryLagProbe } from './delivery-lag';
import { createGroups, runImport, runLargeGroup, runLookups, runSteady, walkPages, type LargeGroupResult, type PageWalk, type Target } from './scenarios';
import { machineFacts, renderReport, writeReport, type BenchReport, type TargetCheck } from './report';
import { CostMeter, formatCost, type CostPerUser } from './cost-meter';

/**
 * `npm run bench [-- --quick] [-- --only import,steady,large-directory,large-group] [-- --no-write]`
 *
 * Starts dirsync as in production (web and worker child processes) on a fresh
 * database and Redis prefix, plus the no-queue baseline, drives Okta-shaped
 * closed-loop load at 1, 16 and 64 connections, checks issue 6's targets and
 * writes docs/benchmarks.md (full runs only, unless --write).
 */
const ROOT = path.resolve(__dirname, '..');
const PG_BASE = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SCENARIOS = ['import', 'steady', 'tenants', 'large-directory', 'large-group'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Plan {
  quick: boolean;
  levels: number[];
  importMs: number;
  steadyMs: number;
  lookupMs: number;
  bigUsers: number;
  groupMembers: number;
  groupDelta: number;
  only: Set<Scenario>;
  write: boolean;
}

function parseArgs(argv: string[]): Plan {
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice(7) ?? argv[argv.indexOf('--only') + 1];
  const only = new Set<Scenario>(argv.some((a) => a.startsWith('--only')) && onlyArg ? (onlyArg.split(',').filter((s): s is Scenario => (SCENARIOS as readonly string[]).includes(s))) : SCENARIOS);
  return {
    quick,
    levels: [1, 16, 64],
    importMs: quick ? 3000 : 15_000,
    steadyMs: quick ? 2000 : 10_000,
    lookupMs: quick ? 2000 : 10_000,
    bigUsers: quick ? 12_000 : 100_000,
    groupMembers: quick ? 5000 : 50_000,
    groupDelta: 1000,
    only,
    write: argv.includes('--write') || (!quick && !argv.includes('--no-write')),
  };
}

const progress = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (r: LoadResult) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} / p95 ${r.p95.toFixed(1)} / p99 ${r.p99.toFixed(1)} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;

interface World {
  dbUrl: string;
  prefix: string;
  logDir: string;
  pool?: pg.Pool;
  procs: ServiceProcess[];
  closeKnex?: () => Promise<void>;
}

async function cleanup(w: World): Promise<void> {
  for (const p of w.procs) await p.stop().catch(() => undefined);
  await w.closeKnex?.().catch(() => undefined);
  await w.pool?.end().catch(() => undefined);
  await dropDatabase(w.dbUrl).catch((e: unknown) => progress(`could not drop ${w.dbUrl}: ${String(e)}`));
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${w.prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0' && ++rounds < 10_000);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const plan = parseArgs(process.argv.slice(2));
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const suffix = randomBytes(4).toString('hex');
  const world: World = {
    dbUrl: `${PG_BASE}/dirsync_bench_${suffix}`,
    prefix: `{dsbench-${suffix}}`,
    logDir: fs.mkdtempSync(path.join(os.tmpdir(), 'dirsync-bench-')),
    procs: [],
  };
  let cleaning: Promise<void> | undefined;
  const stopAll = () => (cleaning ??= cleanup(world));
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      progress(`${signal}: stopping children and dropping the database`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  try {
    await bench(plan, command, world);
  } finally {
    progress('cleanup: stopping web, worker and baseline; dropping the database');
    await stopAll();
  }
}

async function bench(plan: Plan, command: string, w: World): Promise<void> {
  const facts = machineFacts(command);
  progress(`fresh database ${w.dbUrl.split('/').pop()}, prefix ${w.prefix}, logs in ${w.logDir}${plan.quick ? ' (quick)' : ''}`);
  await ensureDatabase(w.dbUrl);
  const port = await freePort();
  const baselinePort = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    ADMIN_API_KEY: randomBytes(24).toString('hex'),
    PORTAL_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    DATABASE_URL: w.dbUrl,
    DATABASE_SSL: 'false',
    REDIS_URL,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    QUEUE_PREFIX: w.prefix,
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    // The per-directory limiter stays in the path (its Redis hit is part of each request's cost)
    // but high enough that it never answers 429: the bench measures capacity, not the limit.
    SCIM_RATE_LIMIT: '1000000',
    // The steady state deactivates and reactivates users nonstop: the bench measures delivery, not the breaker.
    BREAKER_ENABLED: 'false',
    ...pickEnv(['WORKER_CONCURRENCY', 'PG_POOL_MAX_WEB', 'PG_POOL_MAX_WORKER', 'DELIVERY_COALESCE_MS', 'SCIM_ENQUEUE_MAX_BATCH', 'SCIM_ENQUEUE_MAX_IN_FLIGHT']),
  };
  // Production runs the compiled build with plain node (Procfile): build it, then release from it.
  progress('build: npm run build (dist/)');
  execFileSync('bash', [path.join(ROOT, 'scripts/build.sh')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  progress('release: migrations via dist/src/main/release.js');
  process.stdout.write(`${(await runToCompletion('dist/src/main/release.js', env)).trimEnd().replace(/^/gm, '  ')}\n`);

  const knex = createDb({ databaseUrl: w.dbUrl, databaseSsl: false }, 2);
  w.closeKnex = () => knex.destroy();
  const org = await new OrganizationStore(knex).create(`Bench ${suffixOf(w)}`, true);
  const dirs = new DirectoryStore(knex);
  const importDir = await dirs.create(org.id, 'okta', 'Okta import');
  const bigDir = await dirs.create(org.id, 'okta', 'Okta large');
  w.pool = new pg.Pool({ connectionString: w.dbUrl, max: 4 });

  progress('starting worker and web child processes');
  const worker = startService('worker', 'dist/src/main/worker.js', env, w.logDir);
  // BENCH_WORKERS=N starts N-1 more worker processes (scaling experiments; RSS is reported for the first).
  for (let i = 1; i < Number(process.env['BENCH_WORKERS'] ?? '1'); i++) w.procs.push(startService(`worker${i + 1}`, 'dist/src/main/worker.js', env, w.logDir));
  const web = startService('web', 'dist/src/main/web.js', env, w.logDir);
  const baseline = startService('baseline', 'bench/baseline-server.ts', { BASELINE_DATABASE_URL: w.dbUrl, BASELINE_PORT: String(baselinePort), BASELINE_TOKEN: importDir.token }, w.logDir);
  w.procs.push(web, worker, baseline);
  await Promise.all([waitForHttp(`http://127.0.0.1:${port}/readyz`, web), waitForLog(worker, 'workers started'), waitForLog(baseline, 'baseline listening')]);

  const dirsync: Target = { scimUrl: `http://127.0.0.1:${port}/scim/v2/${importDir.directory.id}`, token: importDir.token };
  const base: Target = { scimUrl: `http://127.0.0.1:${baselinePort}/scim/v2/${importDir.directory.id}`, token: importDir.token };
  const big: Target = { scimUrl: `http://127.0.0.1:${port}/scim/v2/${bigDir.directory.id}`, token: bigDir.token };

  // Warm-up (JIT, pools, BullMQ scripts): not measured.
  await runImport(dirsync, { connections: 4, durationMs: 1500, maxUsers: 200, tag: `warm${suffixOf(w)}` });
  await runImport(base, { connections: 4, durationMs: 1500, maxUsers: 200, tag: `warm${suffixOf(w)}` });

  const report: BenchReport = { facts, quick: plan.quick, importRuns: [], steady: [], steadyBaseline: [], lookups: [], lookupsBaseline: [], bigUsers: plan.bigUsers, lag: 'not measured', rss: { web: 0, worker: 0 }, targets: [] };
  const created: { id: string; userName: string }[] = [];
  const baselineCreated: { id: string; userName: string }[] = [];
  let cost: CostPerUser | undefined;

  if (plan.only.has('import')) {
    const lag = await DeliveryLagProbe.create(w.pool);
    for (const c of plan.levels) {
      progress(`import: dirsync at ${c} connection(s) for ${plan.importMs / 1000} s`);
      const probe = c === 16 ? lag : undefined;
      probe?.start();
      const d = await runImport(dirsync, { connections: c, durationMs: plan.importMs, maxUsers: 200_000, tag: `imp${suffixOf(w)}`, created, ...(probe ? { lag: probe } : {}) });
      progress(`  dirsync  ${fmt(d)}`);
      progress(`import: baseline at ${c} connection(s)`);
      const b = await runImport(base, { connections: c, durationMs: plan.importMs, maxUsers: 200_000, tag: `imp${suffixOf(w)}`, created: baselineCreated });
      progress(`  baseline ${fmt(b)}  → dirsync at ${((d.rps / b.rps) * 100).toFixed(0)} %`);
      report.importRuns.push({ connections: c, dirsync: d, baseline: b });
    }
    // Where a write's time goes, from the operation records (queue wait vs. transaction in the worker).
    const { rows } = await w.pool.query<{ q50: number; q95: number; a50: number; a95: number; n: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY queue_ms) AS q50, percentile_cont(0.95) WITHIN GROUP (ORDER BY queue_ms) AS q95,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY apply_ms) AS a50, percentile_cont(0.95) WITHIN GROUP (ORDER BY apply_ms) AS a95, count(*)::int AS n
       FROM operations WHERE directory_id = $1`,
      [importDir.directory.id],
    );
    const t = rows[0];
    if (t) {
      report.workerTimings = `${t.n} operations: receive→worker start (queue) p50 ${Number(t.q50).toFixed(0)} ms, p95 ${Number(t.q95).toFixed(0)} ms; worker apply p50 ${Number(t.a50).toFixed(0)} ms, p95 ${Number(t.a95).toFixed(0)} ms`;
      progress(`  ${report.workerTimings}`);
    }
    if (lag) {
      const { lag: l, missing, tracked } = await lag.finish();
      report.lag = `p50 ${l.p50.toFixed(0)} ms, p95 ${l.p95.toFixed(0)} ms, max ${l.max.toFixed(0)} ms over ${tracked} sampled creates at 16 connections (${missing} never appeared within 15 s)`;
      report.targets.push({ name: 'delivery lag p95 < 1 s (import at 16 connections)', measured: `p95 ${l.p95.toFixed(0)} ms, missing ${missing}`, pass: l.p95 < 1000 && missing === 0 });
    } else {
      report.lag = 'n/a (no app user model yet)';
      report.targets.push({ name: 'delivery lag < 1 s', measured: 'n/a (no app user model yet)', pass: undefined });
    }
    progress(`delivery lag: ${report.lag}`);

    // The cost of one imported user, counted over a fixed import with nothing else running against the service.
    const users = plan.quick ? 400 : 2000;
    progress(`cost: counting statements, Redis commands and CPU over ${users} imported users at 16 connections`);
    const meter = await CostMeter.create(`${PG_BASE}/postgres`, w.pool, w.dbUrl.split('/').pop() ?? '', REDIS_URL, w.prefix);
    const workerPids = [worker, ...w.procs.filter((p) => p.name.startsWith('worker') && p !== worker)].map((p) => p.child.pid ?? 0);
    cost = await meter.measure(users, { web: web.child.pid ?? 0, worker: workerPids }, async () => {
      await runImport(dirsync, { connections: 16, durationMs: 120_000, maxUsers: users, tag: `cost${suffixOf(w)}` });
    });
    // The same fixed import against the no-queue baseline, for scale: its server process and its PostgreSQL backends.
    const baseCost = await meter.measure(users, { web: baseline.child.pid ?? 0, worker: [] }, async () => {
      await runImport(base, { connections: 16, durationMs: 120_000, maxUsers: users, tag: `cost${suffixOf(w)}` });
    });
    await meter.close();
    report.cost = [...formatCost(cost), `No-queue baseline, same import: ${baseCost.sqlClient === undefined ? 'n/a' : baseCost.sqlClient.toFixed(2)} client SQL statements per user; CPU ms per user: server ${baseCost.cpuMs.web.toFixed(2)}, PostgreSQL ${baseCost.cpuMs.postgres.toFixed(2)}`];
    for (const line of report.cost) progress(`  ${line}`);
  }

  if (plan.only.has('tenants')) {
    const count = 100;
    progress(`many tenants: creating ${count} directories`);
    const tenants: Target[] = [];
    for (let i = 0; i < count; i++) {
      const d = await dirs.create(org.id, 'okta', `Tenant ${i}`);
      tenants.push({ scimUrl: `http://127.0.0.1:${port}/scim/v2/${d.directory.id}`, token: d.token });
    }
    const keysBefore = await countKeys(w.prefix);
    progress(`many tenants: the import over ${count} directories at 16 connections for ${plan.importMs / 1000} s`);
    const run = await runImport(tenants, { connections: 16, durationMs: plan.importMs, maxUsers: 200_000, tag: `ten${suffixOf(w)}` });
    progress(`  ${fmt(run)}`);
    await new Promise((r) => setTimeout(r, 2000));
    const single = report.importRuns.find((i) => i.connections === 16)?.dirsync.rps ?? Number.NaN;
    report.manyTenants = { directories: count, run, singleRps: single, redisKeys: await countKeys(w.prefix), redisKeysBefore: keysBefore };
  }

  if (plan.only.has('steady')) {
    const setup = createBenchClient(dirsync.scimUrl, dirsync.token, new http.Agent({ keepAlive: true, maxSockets: 1 }));
    if (created.length < 200) await runImport(dirsync, { connections: 8, durationMs: 30_000, maxUsers: 500, tag: `st${suffixOf(w)}`, created });
    const groups = await createGroups(setup, 64, `Steady ${suffixOf(w)}`);
    const baseSetup = createBenchClient(base.scimUrl, base.token, new http.Agent({ keepAlive: true, maxSockets: 1 }));
    if (baselineCreated.length < 200) await runImport(base, { connections: 8, durationMs: 30_000, maxUsers: 500, tag: `st${suffixOf(w)}`, created: baselineCreated });
    const baseGroups = await createGroups(baseSetup, 64, `Steady ${suffixOf(w)}`);
    for (const c of plan.levels) {
      progress(`steady state at ${c} connection(s) for ${plan.steadyMs / 1000} s`);
      const s = await runSteady(dirsync, { connections: c, durationMs: plan.steadyMs, maxIterations: 500_000, users: created, groups });
      progress(`  dirsync  ${fmt(s)}`);
      const b = await runSteady(base, { connections: c, durationMs: plan.steadyMs, maxIterations: 500_000, users: baselineCreated, groups: baseGroups });
      progress(`  baseline ${fmt(b)}  → dirsync at ${((s.rps / b.rps) * 100).toFixed(0)} %`);
      report.steady.push(s);
      report.steadyBaseline.push(b);
    }
  }

  let walk: PageWalk | undefined;
  if (plan.only.has('large-directory') || plan.only.has('large-group')) {
    progress(`seeding ${plan.bigUsers.toLocaleString('en-US')} users by SQL`);
    const t0 = Date.now();
    await seedUsers(w.pool, bigDir.directory.id, plan.bigUsers);
    progress(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (plan.only.has('large-directory')) {
    // The same users in the no-queue baseline's table, so its lookups run on the same 100k rows in the same run.
    await w.pool.query(
      `INSERT INTO baseline_users (directory_id, user_name, external_id, display_name, active, primary_email, doc)
       SELECT directory_id, user_name, external_id, display_name, active, primary_email, doc FROM users WHERE directory_id = $1 ORDER BY seq`,
      [bigDir.directory.id],
    );
    await w.pool.query('ANALYZE baseline_users');
    const bigBase: Target = { scimUrl: `http://127.0.0.1:${baselinePort}/scim/v2/${bigDir.directory.id}`, token: importDir.token };
    for (const c of [1, 16]) {
      progress(`large directory: userName lookups at ${c} connection(s) for ${plan.lookupMs / 1000} s`);
      const l = await runLookups(big, c, plan.lookupMs, (n) => `big${n}@bench.example.com`, plan.bigUsers);
      progress(`  ${fmt(l)}`);
      report.lookups.push(l);
      const b = await runLookups(bigBase, c, plan.lookupMs, (n) => `big${n}@bench.example.com`, plan.bigUsers);
      progress(`  baseline ${fmt(b)}`);
      report.lookupsBaseline.push(b);
    }
    progress('large directory: full count=100 page walk');
    walk = await walkPages(createBenchClient(big.scimUrl, big.token, new http.Agent({ keepAlive: true, maxSockets: 1 }), undefined, 60_000), 5000);
    progress(`  ${(walk.ms / 1000).toFixed(1)} s for ${walk.pages} pages (${walk.users} users, page p99 ${walk.page.p99.toFixed(1)} ms)`);
    report.walk = walk;
  }

  let group: LargeGroupResult | undefined;
  if (plan.only.has('large-group')) {
    progress(`large group: seeding ${plan.groupMembers.toLocaleString('en-US')} members by SQL`);
    const groupId = await seedGroup(w.pool, bigDir.directory.id, 'Big Group', plan.groupMembers);
    const outsiders = await userIdsBySeq(w.pool, bigDir.directory.id, plan.groupMembers + 1, plan.groupDelta);
    progress('large group: PATCH add 1,000, PATCH remove 1,000, GETs');
    const client = createBenchClient(big.scimUrl, big.token, new http.Agent({ keepAlive: true, maxSockets: 1 }), undefined, 60_000);
    group = await runLargeGroup(client, { id: groupId, displayName: 'Big Group', members: plan.groupMembers }, outsiders, plan.quick ? 6 : 15);
    progress(`  add ${group.addMs.toFixed(0)} ms (${group.addStatus}), remove ${group.removeMs.toFixed(0)} ms (${group.removeStatus}), Entra remove ${group.entraRemoveMs.toFixed(0)} ms; GET with members p50 ${group.getWithMembers.p50.toFixed(0)} ms, without ${group.getWithoutMembers.p50.toFixed(1)} ms`);
    report.group = group;
  }

  report.rss = { web: web.peakRss(), worker: worker.peakRss() };
  report.targets.unshift(...checkTargets(report, cost));
  const section = renderReport(report);
  process.stdout.write(`\n${section}\n\n`);
  for (const t of report.targets) progress(`${t.pass === undefined ? 'N/A ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured}`);
  if (plan.write) {
    writeReport(path.join(ROOT, 'docs/benchmarks.md'), section);
    progress('wrote docs/benchmarks.md');
  }
}

async function countKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    let n = 0;
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0' && ++rounds < 10_000);
    return n;
  } finally {
    redis.disconnect();
  }
}

function checkTargets(r: BenchReport, cost: CostPerUser | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  const at16 = r.importRuns.find((i) => i.connections === 16);
  if (at16?.baseline) {
    const ratio = at16.dirsync.rps / at16.baseline.rps;
    out.push({ name: 'import ≥ 60 % of baseline throughput at 16 connections', measured: `${(ratio * 100).toFixed(0)} % (${at16.dirsync.rps.toFixed(0)} vs ${at16.baseline.rps.toFixed(0)} req/s)`, pass: ratio >= 0.6 });
    out.push({ name: 'import p99 < 25 ms at 16 connections', measured: `${at16.dirsync.p99.toFixed(1)} ms (no-queue baseline in the same run: ${at16.baseline.p99.toFixed(1)} ms)`, pass: at16.dirsync.p99 < 25 });
    out.push({ name: 'import with no non-2xx or errors', measured: `${r.importRuns.reduce((n, i) => n + i.dirsync.non2xx + i.dirsync.errors, 0)}`, pass: r.importRuns.every((i) => i.dirsync.non2xx + i.dirsync.errors === 0) });
  }
  const steadyIndex = r.steady.findIndex((s) => s.connections === 16);
  const steady = r.steady[steadyIndex];
  const steadyBase = r.steadyBaseline[steadyIndex];
  if (steady && steadyBase) {
    const ratio = steady.rps / steadyBase.rps;
    out.push({ name: 'steady mix ≥ 40 % of baseline at 16 connections', measured: `${(ratio * 100).toFixed(0)} % (${steady.rps.toFixed(0)} vs ${steadyBase.rps.toFixed(0)} req/s)`, pass: ratio >= 0.4 });
    out.push({ name: 'steady mix p99 < 25 ms at 16 connections', measured: `${steady.p99.toFixed(1)} ms (no-queue baseline in the same run: ${steadyBase.p99.toFixed(1)} ms)`, pass: steady.p99 < 25 });
  }
  if (cost) {
    out.push({ name: '≤ 4 client SQL statements per imported user', measured: cost.sqlClient === undefined ? 'n/a (pg_stat_statements not loaded)' : cost.sqlClient.toFixed(2), pass: cost.sqlClient === undefined ? undefined : cost.sqlClient <= 4 });
    out.push({ name: '≤ 8 Redis commands per imported user (sent by dirsync)', measured: `${cost.redisClient.toFixed(2)} (${cost.redisAll.toFixed(1)} incl. inside Lua scripts)`, pass: cost.redisClient <= 8 });
  }
  if (r.manyTenants) {
    const m = r.manyTenants;
    out.push({ name: `import over ${m.directories} directories ≥ one directory's throughput`, measured: `${m.run.rps.toFixed(0)} vs ${m.singleRps.toFixed(0)} req/s`, pass: m.run.rps >= m.singleRps * 0.95 });
  }
  const lookupIndex = r.lookups.findIndex((l) => l.connections === 16);
  const lookup = r.lookups[lookupIndex];
  const lookupBase = r.lookupsBaseline[lookupIndex];
  if (lookup) out.push({ name: 'lookup p99 < 10 ms (100k users, 16 connections)', measured: `${lookup.p99.toFixed(1)} ms${lookupBase ? ` (no-queue baseline on the same rows: ${lookupBase.p99.toFixed(1)} ms)` : ''}`, pass: lookup.p99 < 10 });
  if (r.walk) out.push({ name: 'full count=100 page walk < 60 s', measured: `${(r.walk.ms / 1000).toFixed(1)} s (${r.walk.consistent ? 'consistent' : 'inconsistent'})`, pass: r.walk.ms < 60_000 && r.walk.consistent });
  if (r.group) {
    const worst = Math.max(r.group.addMs, r.group.removeMs);
    const ok = [r.group.addStatus, r.group.removeStatus].every((s) => s >= 200 && s < 300);
    out.push({ name: '1,000-member PATCH on a large group < 1 s', measured: `add ${r.group.addMs.toFixed(0)} ms, remove ${r.group.removeMs.toFixed(0)} ms`, pass: worst < 1000 && ok });
  }
  out.push({ name: 'web peak RSS < 200 MB', measured: `${(r.rss.web / 2 ** 20).toFixed(0)} MB`, pass: r.rss.web > 0 && r.rss.web < 200 * 2 ** 20 });
  out.push({ name: 'worker peak RSS < 250 MB', measured: `${(r.rss.worker / 2 ** 20).toFixed(0)} MB`, pass: r.rss.worker > 0 && r.rss.worker < 250 * 2 ** 20 });
  return out;
}

const suffixOf = (w: World) => w.prefix.slice(9, 17);

function pickEnv(names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = process.env[n];
    if (v) out[n] = v;
  }
  return out;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
