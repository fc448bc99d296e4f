/**
 * Scaling proof (issue 5, docs/operations.md): 2 web + 3 worker processes on one
 * fresh PostgreSQL database and Redis prefix; an Okta-shaped import (lookup, then
 * create) of USERS users and GROUPS group pushes through both web processes in
 * turn; one worker SIGKILLed midway; then the directory, the write log, the
 * outbox and the app user model must be exactly as expected: no loss, no
 * duplicate effect. Prints progress and PASS/FAIL; exits 1 on FAIL.
 *
 *   npm run scale-proof                     # 2,000 users, 20 groups
 *   SCALE_USERS=500 npm run scale-proof     # quicker
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config';
import { createDb, type Db } from '../src/store/db';
import { dropDatabase, ensureDatabase } from '../src/store/ensure-database';
import { OrganizationStore } from '../src/store/organization-store';
import { DirectoryStore } from '../src/store/directory-store';
import { oktaHeaders } from '../test/support/okta-bodies';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const USERS = num('SCALE_USERS', 2000);
const GROUPS = num('SCALE_GROUPS', 20);
const LANES = num('SCALE_CLIENTS', 16);
const WEBS = 2;
const WORKERS = 3;
const DELIVERY_TIMEOUT_MS = num('SCALE_DELIVERY_TIMEOUT_MS', 180_000);
const PG_BASE = process.env['SCALE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['SCALE_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '..');
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const started = Date.now();
const log = (msg: string) => process.stdout.write(`[scale-proof +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
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

function spawnMain(name: string, entry: 'web' | 'worker', env: Record<string, string>, logDir: string): Child {
  const out = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const proc = spawn(process.execPath, ['--import', 'tsx', `src/main/${entry}.ts`], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  return { name, proc, exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))) };
}

/** Okta's client: honours 429/503 Retry-After (capped to keep the proof short), bounded attempts. */
function oktaClient(bases: string[], token: string) {
  let turn = 0;
  const stats = { requests: 0, retried503: 0, retried429: 0, conflicts: 0 };
  const call = async (method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: any }> => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = bases[turn++ % bases.length];
      stats.requests++;
      let status = 0;
      let parsed: any;
      let retryAfter = 1;
      try {
        const res = await fetch(`${base}${pathAndQuery}`, {
          method,
          headers: oktaHeaders(token, method),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(40_000),
        });
        status = res.status;
        retryAfter = Number(res.headers.get('retry-after') ?? 1) || 1;
        const text = await res.text();
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        status = 503; // connection refused/reset: Okta retries those too
      }
      if (status === 503 || status === 429) {
        if (status === 503) stats.retried503++;
        else stats.retried429++;
        await sleep(Math.min(retryAfter, 3) * 1000);
        continue;
      }
      return { status, body: parsed };
    }
    throw new Error(`${method} ${pathAndQuery}: still failing after 12 attempts`);
  };
  return { call, stats };
}

/** Runs `work(i)` for i in [0, n) on `lanes` concurrent lanes. */
async function inLanes(n: number, lanes: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

const userName = (i: number) => `user${String(i).padStart(5, '0')}@scale.example.com`;
const groupName = (g: number) => `Scale Group ${g}`;

async function main(): Promise<boolean> {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = `${PG_BASE}/dirsync_scale_${id}`;
  const prefix = `{scale-${id}}`;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsync-scale-'));
  log(`${USERS} users, ${GROUPS} groups, ${WEBS} web + ${WORKERS} worker processes; database ${databaseUrl.split('/').pop()}, prefix ${prefix}, logs in ${logDir}`);

  await ensureDatabase(databaseUrl);
  const db: Db = createDb(loadConfig({ NODE_ENV: 'development', DATABASE_URL: databaseUrl }), 4);
  await db.migrate.latest();
  const org = await new OrganizationStore(db).create(`Scale ${id}`, true);
  const { directory, token } = await new DirectoryStore(db).create(org.id, 'okta');

  const ports = await Promise.all(Array.from({ length: WEBS }, () => freePort()));
  const common = {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env['SCALE_LOG_LEVEL'] ?? 'info',
    WORKER_CONCURRENCY: '4',
    WEB_CONCURRENCY: '1',
    // The proof is about correctness under load, not throttling: one directory sends everything.
    SCIM_RATE_LIMIT: '0',
    DELIVERY_SWEEP_INTERVAL_MS: '5000',
    // The import's deactivations would trip the deprovisioning circuit breaker; the proof is about delivery.
    BREAKER_ENABLED: 'false',
  };
  const children: Child[] = [];
  for (let w = 0; w < WORKERS; w++) children.push(spawnMain(`worker-${w + 1}`, 'worker', common, logDir));
  ports.forEach((port, w) => children.push(spawnMain(`web-${w + 1}`, 'web', { ...common, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${ports[0]}` }, logDir)));
  const bases = ports.map((p) => `http://127.0.0.1:${p}/scim/v2/${directory.id}`);

  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    const deadline = Date.now() + 60_000;
    for (const port of ports) {
      while ((await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) !== 200) {
        if (Date.now() > deadline) throw new Error(`web on port ${port} not ready (see ${logDir})`);
        await sleep(250);
      }
    }
    log('all processes up');
    const { call, stats } = oktaClient(bases, token);

    // 1. Import: Okta looks each user up by userName, then creates it.
    const userIds = new Map<number, string>();
    let done = 0;
    let killed = false;
    await inLanes(USERS, LANES, async (i) => {
      const name = userName(i);
      const found = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`);
      if (found.status !== 200) throw new Error(`lookup ${name}: ${found.status}`);
      if (found.body.totalResults === 0) {
        const res = await call('POST', '/Users', {
          schemas: [USER_SCHEMA],
          userName: name,
          name: { givenName: 'User', familyName: String(i) },
          emails: [{ primary: true, value: name, type: 'work' }],
          displayName: `User ${i}`,
          externalId: `00u${String(i).padStart(17, '0')}`,
          active: true,
          password: 'not-stored-0!',
        });
        if (res.status === 409) {
          stats.conflicts++;
          const again = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
          userIds.set(i, again.body.Resources[0].id);
        } else if (res.status === 201) userIds.set(i, res.body.id);
        else throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      } else userIds.set(i, found.body.Resources[0].id);
      done++;
      if (done % 250 === 0) log(`users ${done}/${USERS} (requests ${stats.requests}, 503 retries ${stats.retried503})`);
      if (!killed && done >= USERS / 2) {
        killed = true;
        const victim = children[0]!;
        victim.proc.kill('SIGKILL');
        log(`SIGKILLed ${victim.name} (pid ${victim.proc.pid}) with jobs in flight`);
      }
    });
    log(`import done: ${USERS} users`);

    // 2. Group pushes: create each group empty, then PATCH members in batches; then remove a few.
    const groupIds: string[] = [];
    const expected = new Map<number, Set<number>>();
    for (let g = 0; g < GROUPS; g++) expected.set(g, new Set());
    for (let i = 0; i < USERS; i++) {
      expected.get(i % GROUPS)!.add(i);
      expected.get((i * 7 + 3) % GROUPS)!.add(i);
    }
    await inLanes(GROUPS, Math.min(LANES, GROUPS), async (g) => {
      const res = await call('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: groupName(g), members: [] });
      if (res.status !== 201) throw new Error(`create group ${g}: ${res.status}`);
      groupIds[g] = res.body.id;
    });
    let patches = 0;
    const removed = new Map<number, number[]>();
    await inLanes(GROUPS, Math.min(LANES, GROUPS), async (g) => {
      const members = [...expected.get(g)!];
      for (let k = 0; k < members.length; k += 100) {
        const batch = members.slice(k, k + 100);
        const res = await call('PATCH', `/Groups/${groupIds[g]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: batch.map((i) => ({ value: userIds.get(i), display: userName(i) })) }] });
        if (res.status !== 204 && res.status !== 200) throw new Error(`add members to group ${g}: ${res.status} ${JSON.stringify(res.body)}`);
        patches++;
      }
      const gone = members.slice(0, 5);
      removed.set(g, gone);
      for (const i of gone) {
        const res = await call('PATCH', `/Groups/${groupIds[g]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${userIds.get(i)}"]` }] });
        if (res.status !== 204 && res.status !== 200) throw new Error(`remove member from group ${g}: ${res.status}`);
        patches++;
        expected.get(g)!.delete(i);
      }
    });
    log(`group pushes done: ${GROUPS} groups, ${patches} PATCH requests; client saw ${stats.retried503} 503 retries, ${stats.retried429} 429 retries, ${stats.conflicts} 409s`);

    // 3. The directory is exactly as pushed.
    const users: { id: string; user_name: string }[] = await db('users').where({ directory_id: directory.id }).select('id', 'user_name');
    check(users.length === USERS, `users: ${users.length} rows, expected ${USERS}`);
    check(new Set(users.map((u) => u.user_name.toLowerCase())).size === USERS && Array.from({ length: USERS }, (_, i) => userName(i)).every((n) => users.some((u) => u.user_name === n)), 'every userName exactly once');
    const byId = new Map([...userIds].map(([i, uid]) => [uid, i]));
    const members: { group_id: string; user_id: string }[] = await db('group_members').where({ directory_id: directory.id }).select('group_id', 'user_id');
    const want = new Set([...expected].flatMap(([g, set]) => [...set].map((i) => `${groupIds[g]}/${userIds.get(i)}`)));
    const got = new Set(members.map((m) => `${m.group_id}/${m.user_id}`));
    check(got.size === members.length && got.size === want.size && [...want].every((k) => got.has(k)), `memberships exact: ${got.size} rows, expected ${want.size}`);

    // 4. No duplicate effects: one create operation per user, one event per change.
    const createOps: { resource_id: string; n: number }[] = (await db.raw(`SELECT resource_id, count(*)::int AS n FROM operations WHERE directory_id = ? AND method = 'POST' AND resource_type = 'User' AND status = 201 GROUP BY resource_id`, [directory.id])).rows;
    check(createOps.length === USERS && createOps.every((r) => r.n === 1), `user create operations: ${createOps.length} resources, each once`);
    const conflictOps = Number((await db('operations').where({ directory_id: directory.id, status: 409 }).count<{ count: number }[]>('* as count'))[0]?.count ?? 0);
    check(conflictOps === 0 && stats.conflicts === 0, `no spurious 409 (operations ${conflictOps}, client ${stats.conflicts})`);
    const patchOps = Number((await db('operations').where({ directory_id: directory.id, method: 'PATCH' }).count<{ count: number }[]>('* as count'))[0]?.count ?? 0);
    check(patchOps === patches, `PATCH operations: ${patchOps}, requests acknowledged ${patches}`);
    const created: { resource_id: string; n: number }[] = (await db.raw(`SELECT resource_id, count(*)::int AS n FROM events WHERE directory_id = ? AND type = 'user.created' GROUP BY resource_id`, [directory.id])).rows;
    check(created.length === USERS && created.every((r) => r.n === 1) && created.every((r) => byId.has(r.resource_id)), `user.created events: one per user (${created.length})`);
    const memberEvents: { type: string; pair: string; n: number }[] = (await db.raw(
      `SELECT type, resource_id || '/' || (data->'user'->>'id') AS pair, count(*)::int AS n FROM events WHERE directory_id = ? AND type IN ('group.user_added','group.user_removed') GROUP BY 1, 2`,
      [directory.id],
    )).rows;
    const addedPairs = memberEvents.filter((e) => e.type === 'group.user_added');
    const removedPairs = memberEvents.filter((e) => e.type === 'group.user_removed');
    const removedCount = [...removed.values()].reduce((a, r) => a + r.length, 0);
    check(addedPairs.length === want.size + removedCount && addedPairs.every((e) => e.n === 1), `group.user_added: ${addedPairs.length} pairs, each once`);
    check(removedPairs.length === removedCount && removedPairs.every((e) => e.n === 1), `group.user_removed: ${removedPairs.length} pairs, each once`);
    // The worker's outbox drainer numbers events a few ms after commit (docs/delivery.md): wait for it.
    for (let i = 0; i < 100 && (await db('events').where({ directory_id: directory.id }).whereNull('seq').first('id')); i++) await sleep(100);
    const seqGaps = (await db.raw(`SELECT count(*)::int AS n, max(seq)::int AS max FROM events WHERE directory_id = ?`, [directory.id])).rows[0];
    check(seqGaps.n === seqGaps.max, `event sequence 1..${seqGaps.max} without gaps or duplicates`);

    // 5. The app user model (the delivery engineer's sink) converges to the same state.
    if (await db.schema.hasTable('app_users')) {
      const until = Date.now() + DELIVERY_TIMEOUT_MS;
      let appUsers = 0;
      let appMembers = 0;
      while (Date.now() < until) {
        appUsers = Number((await db('app_users').where({ directory_id: directory.id }).whereNull('deleted_at').count<{ count: number }[]>('* as count'))[0]?.count ?? 0);
        appMembers = Number((await db('app_memberships').where({ directory_id: directory.id, present: true }).count<{ count: number }[]>('* as count'))[0]?.count ?? 0);
        if (appUsers === USERS && appMembers === want.size) break;
        log(`waiting for delivery: app users ${appUsers}/${USERS}, memberships ${appMembers}/${want.size}`);
        await sleep(3000);
      }
      const rows: { directory_user_id: string; user_name: string; status: string }[] = await db('app_users').where({ directory_id: directory.id }).select('directory_user_id', 'user_name', 'status');
      check(rows.length === USERS && rows.every((r) => byId.has(r.directory_user_id) && r.user_name === userName(byId.get(r.directory_user_id)!) && r.status === 'active'), `app_users: ${rows.length} rows match the directory`);
      const appPairs: { directory_group_id: string; directory_user_id: string }[] = await db('app_memberships').where({ directory_id: directory.id, present: true }).select('directory_group_id', 'directory_user_id');
      const appGot = new Set(appPairs.map((m) => `${m.directory_group_id}/${m.directory_user_id}`));
      check(appGot.size === want.size && [...want].every((k) => appGot.has(k)), `app_memberships: ${appGot.size} present, expected ${want.size}`);
      const dead = Number((await db('dead_letters').count<{ count: number }[]>('* as count'))[0]?.count ?? 0);
      check(dead === 0, `no dead letters (${dead})`);
    } else log('app_users table absent: app user model check skipped');
  } catch (error) {
    failures.push((error as Error).message);
    log(`FAIL ${(error as Error).message}`);
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
    const codes = await Promise.race([Promise.all(children.slice(1).map((c) => c.exited)), sleep(30_000).then(() => 'timeout' as const)]);
    if (codes === 'timeout' || codes.some((c) => c !== 0)) {
      failures.push(`graceful stop: exit codes ${JSON.stringify(codes)}`);
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    } else log('all surviving processes stopped cleanly (exit 0)');
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await db.destroy();
    if (!failures.length && !process.env['SCALE_KEEP_DB']) await dropDatabase(databaseUrl);
    else log(`database kept for inspection: ${databaseUrl}`);
  }
  log(failures.length ? `FAIL (${failures.length}): ${failures.join('; ')}` : `PASS in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    log(`FAIL ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
