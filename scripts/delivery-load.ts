/**
 * Delivery under write load (docs/benchmarks.md "Delivery: outbox drain"): a real
 * worker process (`src/main/worker.ts`, its outbox drainer) while this process
 * commits users with their outbox events at a fixed rate, each in ONE statement as
 * the single-round-trip write path does, over `--dirs` directories (one organization
 * each). Prints the delivery lag (commit → row in app_users) of sampled users, the
 * worker's SQL statements per event (pg_stat_statements of this database, when
 * loaded), the worker's peak RSS and the Redis keys of its prefix.
 *
 *   npx tsx scripts/delivery-load.ts [--rate 2000] [--seconds 15] [--dirs 1] [--conns 16]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestEnv } from '../test/support/test-env';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const RATE = arg('rate', 2000);
const SECONDS = arg('seconds', 15);
const DIRS = arg('dirs', 1);
const CONNS = arg('conns', 16);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);

const WRITE = `WITH u AS (
    INSERT INTO users (directory_id, user_name, primary_email, doc) VALUES ($1, $2, $2, $3::jsonb) RETURNING id, version, doc)
  INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data)
  SELECT $4, $1, 'user.created', 'user', u.id, u.version, NULL, jsonb_build_object('resource', u.doc || jsonb_build_object('id', u.id)) FROM u
  RETURNING resource_id`;

async function main(): Promise<void> {
  const env = await createTestEnv({ web: false, workers: false });
  const logDir = mkdtempSync(path.join(tmpdir(), 'dirsync-delivery-load-'));
  const dirs: Awaited<ReturnType<typeof env.createDirectory>>[] = [];
  for (let i = 0; i < DIRS; i++) dirs.push(await env.createDirectory());
  const pool = new pg.Pool({ connectionString: env.config.databaseUrl, max: CONNS + 2 });
  pool.on('error', () => undefined); // connections terminated when the database is dropped at the end
  const dbid = (await pool.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
  // Preloaded (shared_preload_libraries) or not: the view needs the extension in some database.
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => undefined);
  const statements = (await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`)).rowCount
    ? async () => (await pool.query<{ query: string; calls: string }>('SELECT query, calls FROM pg_stat_statements WHERE dbid = $1', [dbid])).rows
    : undefined;

  const logFile = path.join(logDir, 'worker.log');
  const worker = spawn('sh', ['-c', `exec node --import tsx src/main/worker.ts >> ${logFile} 2>&1`], {
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', DATABASE_URL: env.config.databaseUrl, REDIS_URL: env.config.redisUrl, QUEUE_PREFIX: env.config.queuePrefix },
    stdio: 'ignore',
  });
  const lags: number[] = [];
  let written = 0;
  try {
    await sleep(4000); // the worker starts and its first poll runs
    if (statements) await pool.query('SELECT pg_stat_statements_reset(0, $1, 0)', [dbid]);
    const samples = new Map<string, number>();
    let writing = true;
    const started = Date.now();
    const perConn = RATE / CONNS;
    const writers = Array.from({ length: CONNS }, async (_, c) => {
      for (let n = 0; Date.now() - started < SECONDS * 1000; n++) {
        const due = started + (n / perConn) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const dir = dirs[(n * CONNS + c) % dirs.length]!;
        const userName = `load-${c}-${n}-${randomUUID().slice(0, 8)}@example.com`;
        const doc = JSON.stringify({ userName, active: true, name: { givenName: 'Load', familyName: `U${n}` }, emails: [{ primary: true, value: userName }] });
        const r = await pool.query<{ resource_id: string }>({ name: 'load-write', text: WRITE, values: [dir.directoryId, userName, doc, dir.organizationId] });
        written++;
        if (n % 10 === 0) samples.set(r.rows[0]!.resource_id, Date.now());
      }
    });
    const sampler = (async () => {
      while (writing || samples.size) {
        if (samples.size) {
          const ids = [...samples.keys()];
          const seen = await pool.query<{ id: string }>('/* lag-probe */ SELECT directory_user_id AS id FROM app_users WHERE directory_user_id = ANY($1::uuid[])', [ids]);
          const now = Date.now();
          for (const row of seen.rows) {
            lags.push(now - samples.get(row.id)!);
            samples.delete(row.id);
          }
          if (!writing && Date.now() - started > (SECONDS + 15) * 1000) break;
        }
        await sleep(5);
      }
      return samples.size;
    })();
    await Promise.all(writers);
    const elapsed = (Date.now() - started) / 1000;
    writing = false;
    const missing = await sampler;
    const rows = statements ? await statements() : [];
    const byWorker = rows.filter((r) => !r.query.includes('INSERT INTO users') && !r.query.includes('FOR KEY SHARE OF x') && !r.query.includes('lag-probe') && !r.query.includes('pg_stat_statements'));
    const workerCalls = byWorker.reduce((n, r) => n + Number(r.calls), 0);
    const keys = (await env.redis.keys(`${env.config.queuePrefix}*`)).length;
    const status = readFileSync(`/proc/${worker.pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    console.log(`wrote ${written} users+events in ${elapsed.toFixed(1)} s (${Math.round(written / elapsed)}/s) over ${DIRS} director${DIRS === 1 ? 'y' : 'ies'}, ${CONNS} connections`);
    console.log(`delivery lag commit → app_users: p50 ${pct(lags, 0.5)} ms, p95 ${pct(lags, 0.95)} ms, max ${pct(lags, 1)} ms over ${lags.length} samples (${missing} never appeared)`);
    if (statements) {
      console.log(`worker SQL statements: ${workerCalls} for ${written} events = ${(workerCalls / written).toFixed(3)} per event (pg_stat_statements, this database)`);
      for (const r of byWorker.sort((a, b) => Number(b.calls) - Number(a.calls)).slice(0, 8)) console.log(`  ${String(r.calls).padStart(7)}  ${r.query.replace(/\s+/g, ' ').slice(0, 110)}`);
    } else console.log('worker SQL statements: pg_stat_statements is not loaded');
    console.log(`worker peak RSS ${hwm ? Math.round(Number(hwm) / 1024) : '?'} MB; Redis keys under the prefix: ${keys}; worker log ${logFile}`);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await pool.end();
    await env.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
