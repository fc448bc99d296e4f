/**
 * Process-tree memory of the Procfile's web and worker (issue 12, docs/benchmarks.md):
 * starts each process type exactly as a command line (e.g. the Procfile's), sums the
 * RSS of the whole tree (the process and all its descendants: npm, sh, tsx, esbuild,
 * cluster workers), idle after start and at peak during an Okta-shaped import.
 *
 *   npx tsx bench/process-memory.ts --web "node dist/src/main/web.js" --worker "node dist/src/main/worker.js" [--cwd DIR] [--users 1000] [--web-concurrency 1]
 *
 * Its own database and Redis prefix, dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config';
import { createDb } from '../src/store/db';
import { dropDatabase, ensureDatabase } from '../src/store/ensure-database';
import { OrganizationStore } from '../src/store/organization-store';
import { DirectoryStore } from '../src/store/directory-store';
import { oktaHeaders, oktaUser } from '../test/support/okta-bodies';

const { values } = parseArgs({
  options: {
    web: { type: 'string' },
    worker: { type: 'string' },
    cwd: { type: 'string' },
    users: { type: 'string', default: '1000' },
    'web-concurrency': { type: 'string', default: '1' },
  },
});
if (!values.web || !values.worker) {
  process.stderr.write('usage: tsx bench/process-memory.ts --web "<command>" --worker "<command>" [--cwd DIR] [--users N] [--web-concurrency N]\n');
  process.exit(2);
}
const USERS = Number(values.users);
const PG_BASE = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS (bytes) of pid and every descendant, from /proc. */
function treeRss(root: number): { bytes: number; processes: string[] } {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let bytes = 0;
  const processes: string[] = [];
  const visit = (pid: number) => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      bytes += kb * 1024;
      processes.push(`${/Name:\s+(\S+)/.exec(status)?.[1] ?? '?'} ${Math.round(kb / 1024)} MB`);
    } catch {
      return;
    }
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(root);
  return { bytes, processes };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function start(command: string, env: Record<string, string>, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  // detached: its own process group, so the whole tree can be stopped at the end.
  return spawn('/bin/sh', ['-c', `exec ${command}`], { cwd: values.cwd ?? process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached: true });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

async function main(): Promise<void> {
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = `${PG_BASE}/dirsync_mem_${suffix}`;
  const prefix = `{dsmem-${suffix}}`;
  const port = await freePort();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsync-mem-'));
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATABASE_SSL: 'false',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_API_KEY: randomBytes(16).toString('hex'),
    PORTAL_SECRET: randomBytes(24).toString('hex'),
    WEB_CONCURRENCY: values['web-concurrency'],
    LOG_LEVEL: 'info',
  };
  await ensureDatabase(databaseUrl);
  const db = createDb(loadConfig({ DATABASE_URL: databaseUrl }), 2, { forMigrations: true });
  await db.migrate.latest();
  const org = await new OrganizationStore(db).create(`Memory ${suffix}`, true);
  const { directory, token } = await new DirectoryStore(db).create(org.id, 'okta');
  const procs: ChildProcess[] = [];
  try {
    const worker = start(values.worker!, env, path.join(logDir, 'worker.log'));
    const web = start(values.web!, env, path.join(logDir, 'web.log'));
    procs.push(worker, web);
    await waitFor('web ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
    await waitFor('worker started', () => fs.readFileSync(path.join(logDir, 'worker.log'), 'utf8').includes('workers started'));
    // Idle: let start-up garbage settle, then take the median of 10 samples.
    await sleep(10_000);
    const idle = { web: [] as number[], worker: [] as number[] };
    for (let i = 0; i < 10; i++) {
      idle.web.push(treeRss(web.pid!).bytes);
      idle.worker.push(treeRss(worker.pid!).bytes);
      await sleep(300);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const idleTree = { web: treeRss(web.pid!), worker: treeRss(worker.pid!) };

    // Peak: an Okta-shaped import (lookup + create) over 16 connections, sampled every 100 ms.
    const peak = { web: 0, worker: 0 };
    let importing = true;
    const sampler = (async () => {
      while (importing) {
        peak.web = Math.max(peak.web, treeRss(web.pid!).bytes);
        peak.worker = Math.max(peak.worker, treeRss(worker.pid!).bytes);
        await sleep(100);
      }
    })();
    const base = `http://127.0.0.1:${port}/scim/v2/${directory.id}`;
    let next = 0;
    let failures = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < USERS) {
          const userName = `mem-${next++}@example.com`;
          const lookup = await fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`, { headers: oktaHeaders(token, 'GET') });
          await lookup.arrayBuffer();
          const res = await fetch(`${base}/Users`, { method: 'POST', headers: oktaHeaders(token, 'POST'), body: JSON.stringify(oktaUser(userName)) });
          await res.arrayBuffer();
          if (res.status !== 201) failures++;
        }
      }),
    );
    const importMs = Date.now() - started;
    await sleep(3000); // deliveries of the last events
    importing = false;
    await sampler;

    process.stdout.write(`web:    ${values.web}  (WEB_CONCURRENCY=${values['web-concurrency']})\nworker: ${values.worker}\n`);
    process.stdout.write(`idle web tree    ${mb(median(idle.web))}   [${idleTree.web.processes.join(', ')}]\n`);
    process.stdout.write(`idle worker tree ${mb(median(idle.worker))}   [${idleTree.worker.processes.join(', ')}]\n`);
    process.stdout.write(`peak web tree    ${mb(peak.web)}\npeak worker tree ${mb(peak.worker)}\n`);
    process.stdout.write(`import: ${USERS} users in ${(importMs / 1000).toFixed(1)} s, ${failures} not 201\n`);
  } finally {
    for (const p of procs) {
      try {
        process.kill(-p.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await sleep(3000);
    for (const p of procs) {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await db.destroy();
    await dropDatabase(databaseUrl);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`process-memory failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
