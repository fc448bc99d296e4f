import { runClosedLoop, summarise, type BenchClient, type LatencySummary, type LoadResult } from './closed-loop';
import { addMembersBody, deactivateBody, GROUP_SCHEMA, importUser, oktaLookupPath, PATCH_SCHEMA, removeMembersBody } from './okta-shapes';
import type { DeliveryLagProbe } from './delivery-lag';

/** Where a scenario sends its traffic. */
export interface Target {
  scimUrl: string;
  token: string;
}

export interface ImportOptions {
  connections: number;
  durationMs: number;
  maxUsers: number;
  /** Makes userNames unique across runs against the same table. */
  tag: string;
  lag?: DeliveryLagProbe;
  /** Collects created ids (bounded) for the steady-state phase. */
  created?: { id: string; userName: string }[];
}

/**
 * Okta's initial import: per user, the userName lookup (a miss) then POST /Users.
 * Several targets (many tenants): each user goes to the next directory in turn.
 */
export function runImport(target: Target | Target[], o: ImportOptions): Promise<LoadResult> {
  if (Array.isArray(target)) return runImportMany(target, o);
  return runClosedLoop(
    {
      baseUrl: target.scimUrl,
      connections: o.connections,
      durationMs: o.durationMs,
      maxIterations: o.maxUsers,
      step: async (client, conn, iter) => {
        const userName = `${o.tag}-c${o.connections}-${conn}-${iter}@bench.example.com`;
        const { id, createdAt } = await importUser(client, userName);
        if (!id) return;
        o.lag?.track(id, createdAt);
        if (o.created && o.created.length < 20_000) o.created.push({ id, userName });
      },
    },
    target.token,
  );
}

export interface SteadyOptions {
  connections: number;
  durationMs: number;
  maxIterations: number;
  users: { id: string; userName: string }[];
  /** One pushed group per connection (Okta pushes many groups; one hot group would measure its row lock). */
  groups: { id: string; displayName: string }[];
}

/** Creates `count` pushed groups through the API (untimed setup of the steady phase). */
export async function createGroups(client: BenchClient, count: number, tag: string): Promise<{ id: string; displayName: string }[]> {
  const out: { id: string; displayName: string }[] = [];
  for (let i = 0; i < count; i++) {
    const displayName = `${tag} Group ${i}`;
    await client.request('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}&startIndex=1&count=100`);
    const res = await client.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: [] });
    if (res.status !== 201) throw new Error(`group create answered ${res.status}: ${res.text.slice(0, 300)}`);
    out.push({ id: (JSON.parse(res.text) as { id: string }).id, displayName });
  }
  return out;
}

/**
 * Okta's steady state, rotating per connection: GET + PUT profile update;
 * deactivate + reactivate PATCHes; group membership add + remove PATCHes.
 */
export function runSteady(target: Target, o: SteadyOptions): Promise<LoadResult> {
  return runClosedLoop(
    {
      baseUrl: target.scimUrl,
      connections: o.connections,
      durationMs: o.durationMs,
      maxIterations: o.maxIterations,
      step: async (client, conn, iter) => {
        const user = o.users[(conn + iter * o.connections) % o.users.length];
        const group = o.groups[conn % o.groups.length];
        if (!user || !group) throw new Error('steady state needs users and groups');
        switch (iter % 3) {
          case 0: {
            const got = await client.request('GET', `/Users/${user.id}`);
            if (got.status !== 200) return;
            const doc = JSON.parse(got.text) as Record<string, unknown>;
            const body = { ...doc, name: { givenName: `Steady${iter}`, familyName: 'User' }, meta: { created: '04-12-2018 00:00:00', lastModified: '04-12-2018 00:00:00' }, password: 'xK9!placeholder-Okta' };
            await client.request('PUT', `/Users/${user.id}`, body);
            return;
          }
          case 1:
            await client.request('PATCH', `/Users/${user.id}`, deactivateBody(false));
            await client.request('PATCH', `/Users/${user.id}`, deactivateBody(true));
            return;
          default:
            await client.request('PATCH', `/Groups/${group.id}`, addMembersBody(group.id, group.displayName, [{ value: user.id, display: user.userName }]));
            await client.request('PATCH', `/Groups/${group.id}`, removeMembersBody(group.id, group.displayName, [user.id]));
        }
      },
    },
    target.token,
  );
}

/** userName lookups of seeded users (a quarter upper-cased, as Okta's suite does). */
export function runLookups(target: Target, connections: number, durationMs: number, userNames: (i: number) => string, population: number): Promise<LoadResult> {
  return runClosedLoop(
    {
      baseUrl: target.scimUrl,
      connections,
      durationMs,
      maxIterations: 1_000_000,
      step: async (client, conn, iter) => {
        const n = ((conn * 7919 + iter * 104_729) % population) + 1;
        const name = iter % 4 === 0 ? userNames(n).toUpperCase() : userNames(n);
        const res = await client.request('GET', oktaLookupPath(name));
        if (res.status === 200 && !res.text.includes('"totalResults":1')) throw new Error(`lookup of ${name} did not hit`);
      },
    },
    target.token,
  );
}

export interface PageWalk {
  ms: number;
  pages: number;
  users: number;
  totalResults: number;
  consistent: boolean;
  page: LatencySummary;
}

/** Okta's full import read: count=100, startIndex stepping by 100 until past totalResults, one connection. */
export async function walkPages(client: BenchClient, maxPages: number): Promise<PageWalk> {
  const seen = new Set<string>();
  const times: number[] = [];
  let total = Number.POSITIVE_INFINITY;
  let pages = 0;
  const t0 = Date.now();
  for (let start = 1; start <= total && pages < maxPages; start += 100) {
    const p0 = process.hrtime.bigint();
    const res = await client.request('GET', `/Users?startIndex=${start}&count=100`);
    times.push(Number(process.hrtime.bigint() - p0) / 1e6);
    if (res.status !== 200) throw new Error(`page at ${start} answered ${res.status}`);
    const body = JSON.parse(res.text) as { totalResults: number; Resources: { id: string }[] };
    total = body.totalResults;
    for (const r of body.Resources) seen.add(r.id);
    pages++;
  }
  return { ms: Date.now() - t0, pages, users: seen.size, totalResults: total, consistent: seen.size === total, page: summarise(times) };
}

/** Times one request (ms) and returns its status and size. */
export async function timed(client: BenchClient, method: string, path: string, body?: unknown): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = process.hrtime.bigint();
  const res = await client.request(method, path, body);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, bytes: Buffer.byteLength(res.text) };
}

export interface LargeGroupResult {
  members: number;
  addMs: number;
  addStatus: number;
  removeMs: number;
  removeStatus: number;
  entraRemoveMs: number;
  entraRemoveStatus: number;
  getWithMembers: LatencySummary & { bytes: number };
  getWithoutMembers: LatencySummary & { bytes: number };
}

/** PATCHes of 1,000 members in one request each, then reads of the large group with and without members. */
export async function runLargeGroup(client: BenchClient, group: { id: string; displayName: string; members: number }, outsiders: { id: string; userName: string }[], reads: number): Promise<LargeGroupResult> {
  const add = await timed(client, 'PATCH', `/Groups/${group.id}`, addMembersBody(group.id, group.displayName, outsiders.map((u) => ({ value: u.id, display: u.userName }))));
  const remove = await timed(client, 'PATCH', `/Groups/${group.id}`, removeMembersBody(group.id, group.displayName, outsiders.map((u) => u.id)));
  // Entra's form of the same removal: one op with a value list (docs/okta.md, Entra section).
  await timed(client, 'PATCH', `/Groups/${group.id}`, addMembersBody(group.id, group.displayName, outsiders.map((u) => ({ value: u.id }))));
  const entra = await timed(client, 'PATCH', `/Groups/${group.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Remove', path: 'members', value: outsiders.map((u) => ({ value: u.id })) }] });
  const readMany = async (path: string, n: number) => {
    const runs = [];
    for (let i = 0; i < n; i++) runs.push(await timed(client, 'GET', path));
    if (runs.some((r) => r.status !== 200)) throw new Error(`GET ${path} failed: ${runs.map((r) => r.status).join(',')}`);
    return { ...summarise(runs.map((r) => r.ms)), bytes: runs[0]?.bytes ?? 0 };
  };
  return {
    members: group.members,
    addMs: add.ms,
    addStatus: add.status,
    removeMs: remove.ms,
    removeStatus: remove.status,
    entraRemoveMs: entra.ms,
    entraRemoveStatus: entra.status,
    getWithMembers: await readMany(`/Groups/${group.id}`, Math.max(1, Math.floor(reads / 3))),
    getWithoutMembers: await readMany(`/Groups/${group.id}?excludedAttributes=members`, reads),
  };
}

/** The import spread over many directories: every request carries its own directory's URL and token. */
function runImportMany(targets: Target[], o: ImportOptions): Promise<LoadResult> {
  const first = targets[0];
  if (!first) throw new Error('runImport needs at least one target');
  const root = first.scimUrl.replace(/\/scim\/v2\/.*$/, '');
  return runClosedLoop(
    {
      baseUrl: root,
      connections: o.connections,
      durationMs: o.durationMs,
      maxIterations: o.maxUsers,
      step: async (client, conn, iter) => {
        const t = targets[(conn * 7 + iter) % targets.length] ?? first;
        const prefix = t.scimUrl.slice(root.length);
        const userName = `${o.tag}-m${o.connections}-${conn}-${iter}@bench.example.com`;
        const scoped = {
          request: (method: string, path: string, body?: unknown) => client.request(method, `${prefix}${path}`, body, { Authorization: `Bearer ${t.token}` }),
        };
        const { id, createdAt } = await importUser(scoped, userName);
        if (id) o.lag?.track(id, createdAt);
      },
    },
    first.token,
  );
}
