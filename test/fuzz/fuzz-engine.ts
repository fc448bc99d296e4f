import http from 'node:http';
import { createTestEnv, type TestDirectory } from '../support/test-env';
import { Prng } from './prng';
import { DirectoryModel, compareWithDatabase } from './fuzz-model';
import { nextCase, type AuthVariant, type FuzzCase, type MemberChange } from './fuzz-cases';
import { nextSurfaceCase, type SurfaceCase } from './surface-cases';
import { ADMIN_KEY } from '../admin/admin-client';
import { PortalClient } from '../portal/portal-client';
import { OrganizationStore } from '../../src/store/organization-store';
import { issuePortalLink } from '../../src/portal-access/portal-link';
import { nonCanonicalReason } from '../../src/http/shared/canonical-path';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** A request not answered within this is a hang (a violation). */
  timeoutMs?: number;
  onProgress?: (done: number, violations: number) => void;
  /** Share of requests sent to the admin API, the portal and the ops endpoints (default 0.3); the rest is SCIM. */
  surfaceShare?: number;
}

export interface Violation {
  index: number;
  label: string;
  request: string;
  status: number;
  problem: string;
  response: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  durationMs: number;
  statuses: Record<string, number>;
  accepted: number;
  violations: Violation[];
  /** Differences between the database and the model of accepted requests. */
  modelProblems: string[];
  users: number;
  groups: number;
  /** Requests per case family (SCIM kinds and the other surfaces' families). */
  families: Record<string, number>;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** What goes on the wire: anything Node refuses to send is percent-encoded; the rest goes byte for byte. */
function wirePath(path: string): string {
  return path.replace(/[^\x21-\x7e]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
}

function send(port: number, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    // Anything Node refuses to put on the wire is percent-encoded; the rest goes byte for byte.
    const wire = wirePath(path);
    const req = http.request({ host: '127.0.0.1', port, method, path: wire, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0, contentType: '', text: 'response error' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // The server may answer (413, 401) and close before reading the whole body: that is its right.
    req.on('error', (e) => resolve({ status: -1, contentType: '', text: String(e.message) }));
    req.end(body);
  });
}

function authHeader(variant: AuthVariant, own: string, other: string): Record<string, string> {
  switch (variant) {
    case 'ok':
      return { Authorization: `Bearer ${own}` };
    case 'lowercase-bearer':
      return { Authorization: `bearer ${own}` };
    case 'missing':
      return {};
    case 'non-token':
      return { Authorization: 'non-token' };
    case 'other-directory':
      return { Authorization: `Bearer ${other}` };
    case 'garbage':
      return { Authorization: `Bearer ${own.slice(0, -2)}${own.endsWith('A') ? 'BB' : 'AA'}` };
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`user:${own}`).toString('base64')}` };
  }
}

/** The shape checks every answer must pass (issue 6 req 3, G7). */
export function checkAnswer(fc: FuzzCase, a: Answer, sentPath = fc.rawPath ?? fc.path): string | undefined {
  if (a.status <= 0) return a.status === 0 || /timeout/.test(a.text) ? `no answer (${a.text})` : undefined;
  if (a.status >= 500) return `5xx`;
  // Another spelling of the SCIM prefix is refused before any guard (issue 9): never a success, never a 5xx.
  if (fc.rawPath !== undefined) return [401, 403, 404].includes(a.status) ? undefined : `non-canonical spelling answered ${a.status}`;
  if (a.status < 200 || (a.status >= 300 && a.status < 400)) return `unexpected status class`;
  const expectAuthFailure = fc.auth !== 'ok' && fc.auth !== 'lowercase-bearer';
  // A non-canonical path (`/Users/..`, `%2e%2e`) is a 404 before any credential is looked at (issue 9).
  const refusedSpelling = a.status === 404 && nonCanonicalReason(wirePath(sentPath).split('?')[0] ?? '') !== undefined;
  // 431: Node's HTTP parser refuses an oversize request line before any middleware runs; nothing was read or done.
  if (expectAuthFailure && a.status !== 401 && a.status !== 429 && a.status !== 431 && !refusedSpelling) return `credential variant ${fc.auth} was not refused with 401`;
  if (a.status < 300 && fc.intent.kind === 'must-fail') return `write that must be refused was accepted (${a.status})`;
  if (a.status === 204) return a.text === '' ? undefined : '204 with a body';
  if (!/^application\/(scim\+)?json/.test(a.contentType)) return `content-type ${a.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return 'body is not JSON';
  }
  const b = body as Record<string, unknown>;
  if (a.status >= 400) {
    if (JSON.stringify(b['schemas']) !== JSON.stringify([ERROR_SCHEMA])) return 'error without the SCIM Error schema';
    if (b['status'] !== String(a.status)) return `error status ${JSON.stringify(b['status'])} ≠ ${a.status}`;
    if (typeof b['detail'] !== 'string') return 'error without detail';
    return undefined;
  }
  if (!Array.isArray(b['schemas'])) return 'success without schemas';
  if ((b['schemas'] as unknown[]).includes(LIST_SCHEMA)) {
    const res = b['Resources'];
    if (!Array.isArray(res)) return 'ListResponse without Resources';
    for (const k of ['totalResults', 'startIndex', 'itemsPerPage']) if (!Number.isInteger(b[k])) return `ListResponse ${k} is not an integer`;
    if (b['itemsPerPage'] !== res.length) return 'itemsPerPage ≠ Resources.length';
    if ((b['totalResults'] as number) < res.length) return 'totalResults < Resources.length';
    return undefined;
  }
  const isResourcePath = /^\/(Users|Groups)(\/|$)/.test(fc.path);
  if (isResourcePath && typeof b['id'] !== 'string') return 'resource without id';
  if (isResourcePath && 'password' in b) return 'password returned';
  return undefined;
}

/** Checks of an admin, portal or ops answer: no 5xx, guards on every spelling, errors in the surface's own format. */
export function checkSurfaceAnswer(sc: SurfaceCase, a: Answer): string | undefined {
  if (a.status <= 0) return a.status === 0 || /timeout/.test(a.text) ? `no answer (${a.text})` : undefined;
  if (a.status >= 500) return '5xx';
  if (sc.spelled) return [401, 403, 404].includes(a.status) ? undefined : `non-canonical spelling answered ${a.status}`;
  if (sc.credentials !== 'valid' && a.status < 400) return `answered ${a.status} without valid credentials`;
  if (sc.surface === 'admin' && a.status >= 400) {
    try {
      const body = JSON.parse(a.text) as { error?: { code?: unknown } };
      if (typeof body.error?.code !== 'string') return 'admin error without error.code';
    } catch {
      return 'admin error is not JSON';
    }
  }
  if (sc.surface === 'portal' && a.status >= 400 && !a.contentType.startsWith('text/html')) return `portal error as ${a.contentType}`;
  return undefined;
}

function surfaceHeaders(sc: SurfaceCase, portalCookie: string): Record<string, string> {
  const headers: Record<string, string> = sc.contentType ? { 'Content-Type': sc.contentType } : {};
  const secret = sc.credentials === 'valid' ? ADMIN_KEY : 'wrong-key-wrong-key-wrong';
  if (sc.credentials === 'none') return headers;
  if (sc.surface === 'admin') headers['Authorization'] = `Bearer ${secret}`;
  if (sc.surface === 'ops') headers['Authorization'] = `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}`;
  if (sc.surface === 'portal') headers['Cookie'] = sc.credentials === 'valid' ? portalCookie : 'dirsync_portal=forged';
  return headers;
}

function applyChanges(model: DirectoryModel, id: string, changes: MemberChange[]): void {
  const g = model.groups.get(id);
  if (!g) return;
  for (const ch of changes) {
    if (ch.op === 'rename') g.displayName = ch.displayName;
    else if (ch.op === 'add') ch.ids.forEach((u) => g.members.add(u));
    else if (ch.op === 'remove') ch.ids.forEach((u) => g.members.delete(u));
    else g.members = new Set(ch.ids);
  }
}

/**
 * Starts the web+worker runtime in-process (test-env), creates an Okta and an
 * Entra directory, sends `requests` seeded hostile requests one at a time, checks
 * every answer and finally compares the database with the model of accepted writes.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const timeoutMs = options.timeoutMs ?? 25_000;
  // Limits off: one client IP sends thousands of requests and a third of them with bad credentials;
  // the limiter has its own tests, here it would only turn every later answer into a 429.
  const env = await createTestEnv({ env: { SCIM_AUTH_FAILURE_LIMIT: '0', SCIM_RATE_LIMIT: '0', ADMIN_API_KEY: ADMIN_KEY } });
  const started = Date.now();
  try {
    const dirs: [TestDirectory, TestDirectory] = [await env.createDirectory({ provider: 'okta' }), await env.createDirectory({ provider: 'entra' })];
    const models: [DirectoryModel, DirectoryModel] = [new DirectoryModel(dirs[0].directoryId), new DirectoryModel(dirs[1].directoryId)];
    const port = Number(new URL(env.baseUrl).port);
    const rng = new Prng(options.seed);
    let n = 0;
    const ctx = { rng, models, counter: () => ++n, maxBodyBytes: env.config.scim.maxBodyBytes };
    const statuses: Record<string, number> = {};
    const families: Record<string, number> = {};
    const violations: Violation[] = [];
    let accepted = 0;
    // The other surfaces: admin writes go to an organization of their own; the portal session belongs to the fuzzed
    // Okta directory's organization and only reads (its state-changing forms are sent without a CSRF token).
    const scratch = await new OrganizationStore(env.db).create(`Fuzz scratch ${options.seed}`, true);
    const portal = new PortalClient(env.baseUrl);
    await portal.open((await issuePortalLink(env.config, env.db, dirs[0].organizationId)).url);
    const portalCookie = portal.cookie ?? '';
    const surfaceCtx = { rng, scratchOrgId: scratch.id, portalDirectoryId: dirs[0].directoryId, someGroupId: () => models[0].someGroup((xs) => rng.pick(xs)), counter: () => ++n };
    const surfaceShare = options.surfaceShare ?? 0.3;
    const readBack = async (dir: 0 | 1, path: string) => {
      const a = await send(port, 'GET', `/scim/v2/${dirs[dir].directoryId}${path}`, { Authorization: `Bearer ${dirs[dir].token}`, Accept: 'application/scim+json' }, undefined, timeoutMs);
      return a.status === 200 ? (JSON.parse(a.text) as unknown) : undefined;
    };

    for (let i = 0; i < options.requests; i++) {
      if (rng.chance(surfaceShare)) {
        const sc = nextSurfaceCase(surfaceCtx);
        families[sc.family] = (families[sc.family] ?? 0) + 1;
        const a = await send(port, sc.method, sc.rawPath, surfaceHeaders(sc, portalCookie), sc.body, timeoutMs);
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        if (process.env['FUZZ_TRACE']) process.stdout.write(`#${i} [${sc.family} ${sc.credentials}] ${sc.method} ${sc.rawPath.slice(0, 120)} → ${a.status} ${a.text.slice(0, 120)}\n`);
        const problem = checkSurfaceAnswer(sc, a);
        if (problem) violations.push({ index: i, label: `${sc.family} credentials=${sc.credentials}`, request: `${sc.method} ${sc.rawPath.slice(0, 200)} body=${(sc.body?.toString('utf8') ?? '').slice(0, 300)}`, status: a.status, problem, response: a.text.slice(0, 300) });
        if ((i + 1) % 500 === 0) options.onProgress?.(i + 1, violations.length);
        continue;
      }
      const fc = nextCase(ctx);
      const family = fc.label.split(' ')[0] ?? fc.label;
      families[family] = (families[family] ?? 0) + 1;
      const dir = dirs[fc.dir];
      const model = models[fc.dir];
      const headers = { Accept: 'application/scim+json', 'User-Agent': 'Okta SCIM Client 1.0.0', ...authHeader(fc.auth, dir.token, dirs[1 - fc.dir]?.token ?? ''), ...fc.headers };
      const a = await send(port, fc.method, fc.rawPath ?? `/scim/v2/${dir.directoryId}${fc.path}`, headers, fc.body, timeoutMs);
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (process.env['FUZZ_TRACE']) process.stdout.write(`#${i} d${fc.dir} [${fc.label}] ${fc.method} ${fc.path.slice(0, 120)} → ${a.status} ${a.text.slice(0, 120)}\n`);
      const problem = checkAnswer(fc, a, fc.rawPath ?? `/scim/v2/${dir.directoryId}${fc.path}`);
      if (problem) {
        violations.push({ index: i, label: fc.label, request: `${fc.method} ${fc.path.slice(0, 200)} body=${(fc.body?.toString('utf8') ?? '').slice(0, 300)}`, status: a.status, problem, response: a.text.slice(0, 300) });
      }
      if (a.status >= 200 && a.status < 300 && fc.method !== 'GET') {
        accepted++;
        const body = a.text ? (JSON.parse(a.text) as unknown) : undefined;
        const it = fc.intent;
        if (it.kind === 'user.create' || it.kind === 'user.update') {
          if (!(body && model.setUserFromResource(body))) {
            const id = it.kind === 'user.update' ? it.id : undefined;
            const fresh = id ? await readBack(fc.dir, `/Users/${id}`) : undefined;
            if (!fresh || !model.setUserFromResource(fresh)) violations.push({ index: i, label: fc.label, request: fc.path, status: a.status, problem: 'accepted user write without a readable resource', response: a.text.slice(0, 300) });
          }
        } else if (it.kind === 'user.delete') model.deleteUser(it.id);
        else if (it.kind === 'group.create' || it.kind === 'group.replace') {
          if (!model.setGroupFromResource(body)) violations.push({ index: i, label: fc.label, request: fc.path, status: a.status, problem: 'accepted group write without the resource', response: a.text.slice(0, 300) });
        } else if (it.kind === 'group.delete') model.groups.delete(it.id);
        else if (it.kind === 'group.patch') {
          if (it.changes) applyChanges(model, it.id, it.changes);
          else {
            // A mutated PATCH that was accepted: learn its effect from the database's answer.
            const fresh = await readBack(fc.dir, `/Groups/${it.id}`);
            if (fresh) model.setGroupFromResource(fresh);
          }
        }
      }
      if ((i + 1) % 500 === 0) options.onProgress?.(i + 1, violations.length);
    }
    const modelProblems = await compareWithDatabase(env.db, models);
    return {
      seed: options.seed,
      requests: options.requests,
      durationMs: Date.now() - started,
      statuses,
      accepted,
      violations,
      modelProblems,
      users: models[0].users.size + models[1].users.size,
      groups: models[0].groups.size + models[1].groups.size,
      families,
    };
  } finally {
    await env.close();
  }
}
