import http from 'node:http';
import { createTestEnv, type TestDirectory } from '../support/test-env';
import { Prng } from './prng';
import { DirectoryModel, compareWithDatabase } from './fuzz-model';
import { nextCase, type AuthVariant, type FuzzCase, type MemberChange } from './fuzz-cases';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** A request not answered within this is a hang (a violation). */
  timeoutMs?: number;
  onProgress?: (done: number, violations: number) => void;
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
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    // Anything Node refuses to put on the wire is percent-encoded; the rest goes byte for byte.
    const wire = path.replace(/[^\x21-\x7e]/gu, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
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
export function checkAnswer(fc: FuzzCase, a: Answer): string | undefined {
  if (a.status <= 0) return a.status === 0 || /timeout/.test(a.text) ? `no answer (${a.text})` : undefined;
  if (a.status >= 500) return `5xx`;
  if (a.status < 200 || (a.status >= 300 && a.status < 400)) return `unexpected status class`;
  const expectAuthFailure = fc.auth !== 'ok' && fc.auth !== 'lowercase-bearer';
  if (expectAuthFailure && a.status !== 401 && a.status !== 429) return `credential variant ${fc.auth} was not refused with 401`;
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
  const env = await createTestEnv({ env: { SCIM_AUTH_FAILURE_LIMIT: '0', SCIM_RATE_LIMIT: '0' } });
  const started = Date.now();
  try {
    const dirs: [TestDirectory, TestDirectory] = [await env.createDirectory({ provider: 'okta' }), await env.createDirectory({ provider: 'entra' })];
    const models: [DirectoryModel, DirectoryModel] = [new DirectoryModel(dirs[0].directoryId), new DirectoryModel(dirs[1].directoryId)];
    const port = Number(new URL(env.baseUrl).port);
    const rng = new Prng(options.seed);
    let n = 0;
    const ctx = { rng, models, counter: () => ++n, maxBodyBytes: env.config.scim.maxBodyBytes };
    const statuses: Record<string, number> = {};
    const violations: Violation[] = [];
    let accepted = 0;
    const readBack = async (dir: 0 | 1, path: string) => {
      const a = await send(port, 'GET', `/scim/v2/${dirs[dir].directoryId}${path}`, { Authorization: `Bearer ${dirs[dir].token}`, Accept: 'application/scim+json' }, undefined, timeoutMs);
      return a.status === 200 ? (JSON.parse(a.text) as unknown) : undefined;
    };

    for (let i = 0; i < options.requests; i++) {
      const fc = nextCase(ctx);
      const dir = dirs[fc.dir];
      const model = models[fc.dir];
      const headers = { Accept: 'application/scim+json', 'User-Agent': 'Okta SCIM Client 1.0.0', ...authHeader(fc.auth, dir.token, dirs[1 - fc.dir]?.token ?? ''), ...fc.headers };
      const a = await send(port, fc.method, `/scim/v2/${dir.directoryId}${fc.path}`, headers, fc.body, timeoutMs);
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (process.env['FUZZ_TRACE']) process.stdout.write(`#${i} d${fc.dir} [${fc.label}] ${fc.method} ${fc.path.slice(0, 120)} → ${a.status} ${a.text.slice(0, 120)}\n`);
      const problem = checkAnswer(fc, a);
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
    };
  } finally {
    await env.close();
  }
}
