import type { Prng } from './prng';
import type { DirectoryModel } from './fuzz-model';
import { DATE_LITERALS, ESCAPED_LITERALS, HOSTILE_STRINGS, hostileValue, mutate } from './hostile-values';
import { spellingVariants } from '../support/path-spellings';
import { nonCanonicalReason } from '../../src/http/shared/canonical-path';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** How the model learns from a 2xx answer. */
export type MemberChange = { op: 'add' | 'remove' | 'replace'; ids: string[] } | { op: 'rename'; displayName: string };
export type Intent =
  | { kind: 'read' }
  | { kind: 'user.create' }
  | { kind: 'user.update'; id: string }
  | { kind: 'user.delete'; id: string }
  | { kind: 'group.create' }
  | { kind: 'group.replace'; id: string }
  /** `changes` undefined: the body was mutated, so the model re-reads the group after a 2xx. */
  | { kind: 'group.patch'; id: string; changes: MemberChange[] | undefined }
  | { kind: 'group.delete'; id: string }
  /** A write that can only be refused (bad id, bad method): a 2xx is a violation. */
  | { kind: 'must-fail' };

export type AuthVariant = 'ok' | 'missing' | 'non-token' | 'other-directory' | 'lowercase-bearer' | 'garbage' | 'basic';

export interface FuzzCase {
  label: string;
  dir: 0 | 1;
  method: string;
  /** Path below /scim/v2/{directoryId}, sent byte for byte (no normalisation). */
  path: string;
  /** The whole request-target instead (path spellings of the SCIM prefix itself); must never be a 2xx. */
  rawPath?: string;
  headers: Record<string, string>;
  auth: AuthVariant;
  body?: Buffer;
  intent: Intent;
}

export interface CaseContext {
  rng: Prng;
  models: [DirectoryModel, DirectoryModel];
  counter: () => number;
  maxBodyBytes: number;
}

export function oktaUser(userName: string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Fuzz', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Fuzz User',
    locale: 'en-US',
    externalId: `00ufz${userName.length}`,
    groups: [],
    password: 'xK9!placeholder-Okta',
    active: true,
  };
}

function entraUser(userName: string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: `ext-${userName}`,
    userName,
    active: 'True',
    displayName: 'Entra Fuzz',
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Entra Fuzz', familyName: 'Fuzz', givenName: 'Entra' },
    [ENTERPRISE]: { employeeNumber: '42', department: 'R&D', manager: { value: 'mgr-1' } },
  };
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** encodeURIComponent that never throws (lone surrogates become U+FFFD's bytes). */
export const pct = (s: string): string =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0').toUpperCase()}`)).join('');

/** Ids for a path segment: real, absent, traversal, SQL, unicode, Okta's 404 probe. */
function pathId(c: CaseContext, real: string | undefined, dir: 0 | 1): { id: string; real: boolean } {
  const { rng } = c;
  if (real && rng.chance(0.6)) return { id: real, real: true };
  return {
    id: rng.pick([
      rng.uuid(),
      '010101001010101011001010101011',
      '..',
      '../..',
      '..%2F..%2Fhealthz',
      '%2e%2e%2f%2e%2e%2f',
      pct("1' OR '1'='1"),
      pct('ǰ∂≈'),
      '%ff%fe',
      '%00',
      'x'.repeat(2000),
      // A real id of the OTHER directory, upper-cased: must be a 404 here (G6).
      (c.models[dir === 0 ? 1 : 0].someUser((xs) => rng.pick(xs)) ?? rng.uuid()).toUpperCase(),
      '',
    ]),
    real: false,
  };
}

function uniqueName(c: CaseContext): string {
  const n = c.counter();
  return c.rng.pick([`fz${n}@example.com`, `FZ${n}+tag@Example.com`, `fz.${n}@ex.co`, `fz${n}`]);
}

/** Filters: Okta's and Entra's, then hostile ones (SQL, grammar errors, huge, unicode). */
function filterQuery(c: CaseContext, resource: 'Users' | 'Groups'): string {
  const { rng } = c;
  const model = c.models[0];
  const known = resource === 'Users' ? [...model.users.values()].map((u) => u.userName) : [...model.groups.values()].map((g) => g.displayName);
  const name = known.length && rng.chance(0.5) ? rng.pick(known) : rng.pick(HOSTILE_STRINGS);
  const attr = resource === 'Users' ? rng.pick(['userName', 'externalId', 'emails.value', 'USERNAME', 'name.givenName', 'active', 'meta.lastModified', 'password', 'members']) : rng.pick(['displayName', 'externalId', 'members.value', 'id']);
  const filter = rng.pick([
    `${attr} eq "${name}"`,
    `${attr} eq "${name.toUpperCase()}"`,
    `${attr} sw "${name.slice(0, 3)}"`,
    `${attr} co "${name}" and active eq true`,
    `${attr} eq ${name}`,
    `${attr} pr`,
    `not (${attr} eq "${name}")`,
    `${attr} eq "${name}" or ${attr} eq "x"`,
    `emails[type eq "work" and value co "@"]`,
    `${attr} gt 5`,
    `(((((${attr} eq "x"`,
    `${attr} eq "unterminated`,
    `${attr} eq "x") OR 1=1 --`,
    `${attr} ew "x" ${'and active eq true '.repeat(rng.pick([1, 50, 400]))}`,
    `${attr} eq "${'%'.repeat(100)}"`,
    `meta.lastModified gt "2011-05-13T04:42:34Z"`,
    `${attr} eq "${name}"`.repeat(3),
    '',
  ]);
  const enc = rng.pick([(s: string) => pct(s), (s: string) => pct(s).replace(/%20/g, '+'), (s: string) => s.replace(/ /g, '%20'), () => '%ff%fe%80']);
  const paging = rng.pick(['&startIndex=1&count=100', '&startIndex=0&count=-1', '&startIndex=abc&count=1e9', '&count=100000&startIndex=99999999999999999999', '&startIndex=1&count=2&sortBy=userName', '&attributes=userName,members&excludedAttributes=members', '']);
  return `/${resource}?filter=${enc(filter)}${paging}`;
}

function patchOps(c: CaseContext, resource: 'User' | 'Group', groupId: string | undefined): { ops: unknown[]; changes: MemberChange[] | undefined } {
  const { rng } = c;
  if (resource === 'User') {
    const ops = rng.pick<unknown[]>([
      [{ op: 'replace', value: { active: false } }],
      [{ op: 'replace', value: { active: true } }],
      [{ op: 'Replace', path: 'active', value: 'False' }],
      [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }],
      [{ op: 'Add', path: 'name.givenName', value: 'Entra' }, { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'mgr-2' }],
      [{ op: 'remove', path: 'name.familyName' }],
      [{ op: 'replace', path: 'userName', value: uniqueName(c) }],
      [{ op: 'replace', path: rng.pick(HOSTILE_STRINGS), value: hostileValue(rng) }],
      [{ op: rng.pick(['move', 'copy', 'test', '', 'REPLACE ', null]), path: 'active', value: true }],
      [],
    ]);
    return { ops, changes: undefined };
  }
  const model = c.models[0];
  const members = () => Array.from({ length: rng.int(4) + 1 }, () => model.someUser((xs) => rng.pick(xs)) ?? rng.uuid());
  const foreign = () => c.models[1].someUser((xs) => rng.pick(xs)) ?? rng.uuid();
  const name = model.groups.get(groupId ?? '')?.displayName ?? 'Fuzzers';
  const shape = rng.int(8);
  if (shape === 0) {
    const ids = members();
    return { ops: [{ op: 'replace', value: { id: groupId, displayName: name } }, { op: 'add', path: 'members', value: ids.map((v) => ({ value: v, display: 'x' })) }], changes: [{ op: 'rename', displayName: name }, { op: 'add', ids }] };
  }
  if (shape === 1) {
    const ids = members();
    return { ops: ids.map((v) => ({ op: 'remove', path: `members[value eq "${v}"]` })), changes: [{ op: 'remove', ids }] };
  }
  if (shape === 2) {
    const ids = rng.chance(0.3) ? [] : members();
    return { ops: [{ op: 'replace', path: 'members', value: ids.map((value) => ({ value })) }], changes: [{ op: 'replace', ids }] };
  }
  if (shape === 3) {
    const ids = members();
    return { ops: [{ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }], changes: [{ op: 'remove', ids }] };
  }
  if (shape === 4) {
    const displayName = `Renamed ${c.counter()}`;
    return { ops: [{ op: 'replace', value: { id: groupId, displayName } }], changes: [{ op: 'rename', displayName }] };
  }
  // Must be refused as a whole (members of another directory or unknown): PATCH is atomic.
  if (shape === 5) return { ops: [{ op: 'add', path: 'members', value: [...members(), foreign()].map((value) => ({ value })) }], changes: [{ op: 'add', ids: ['<refused>'] }] };
  return { ops: [{ op: rng.pick(['add', 'remove', 'replace', 'Delete']), path: rng.pick(['members[value eq "x" or value eq "y"]', 'members[value eq', 'members.value', 'displayName', 'externalId', ...HOSTILE_STRINGS]), value: hostileValue(rng) }], changes: undefined };
}

/** Produces the next request. Most are Okta/Entra shaped, then mutated, re-encoded or sent with odd headers. */
export function nextCase(c: CaseContext): FuzzCase {
  const { rng } = c;
  const dir: 0 | 1 = rng.chance(0.85) ? 0 : 1;
  const model = c.models[dir];
  const userId = model.someUser((xs) => rng.pick(xs));
  const groupId = model.someGroup((xs) => rng.pick(xs));
  const base: FuzzCase = { label: '', dir, method: 'GET', path: '/Users', headers: {}, auth: 'ok', intent: { kind: 'read' } };
  const kind = rng.weighted<string>([
    [10, 'user.create'],
    [6, 'user.lookup'],
    [4, 'user.get'],
    [5, 'user.put'],
    [8, 'user.patch'],
    [2, 'user.delete'],
    [4, 'group.create'],
    [3, 'group.lookup'],
    [3, 'group.get'],
    [8, 'group.patch'],
    [2, 'group.put'],
    [1, 'group.delete'],
    [3, 'discovery'],
    [3, 'odd-method'],
    // Issue 9: literals whose escapes decode to unstorable text only inside the filter parser, dates at and past
    // PostgreSQL's range, the same inside PATCH path filters, and spellings of the SCIM prefix.
    [4, 'filter.escape'],
    [3, 'filter.date'],
    [4, 'patch.escape-path'],
    [2, 'scim.spelling'],
  ]);
  let value: unknown;
  let mutated = false;
  const mutateSometimes = (v: unknown) => {
    if (rng.chance(0.35)) {
      mutated = true;
      let m = v;
      for (let i = rng.int(3) + 1; i > 0; i--) m = mutate(rng, m);
      return m;
    }
    return v;
  };
  switch (kind) {
    case 'user.create': {
      const existing = [...model.users.values()];
      const name = existing.length && rng.chance(0.15) ? rng.pick(existing).userName.toUpperCase() : uniqueName(c);
      value = mutateSometimes(rng.chance(0.7) ? oktaUser(name) : entraUser(name));
      Object.assign(base, { method: 'POST', path: '/Users', intent: { kind: 'user.create' } });
      break;
    }
    case 'user.lookup':
      Object.assign(base, { path: filterQuery(c, 'Users') });
      break;
    case 'user.get': {
      const { id } = pathId(c, userId, dir);
      Object.assign(base, { path: `/Users/${id}${rng.chance(0.2) ? '?attributes=userName&excludedAttributes=emails' : ''}` });
      break;
    }
    case 'user.put': {
      const { id, real } = pathId(c, userId, dir);
      const current = real ? model.users.get(id) : undefined;
      const body = { ...oktaUser(current?.userName ?? uniqueName(c)), id, meta: { created: '04-12-2018 00:00:00', lastModified: '04-12-2018 00:00:00' }, active: rng.chance(0.8) };
      value = mutateSometimes(body);
      Object.assign(base, { method: 'PUT', path: `/Users/${id}`, intent: real ? { kind: 'user.update', id } : { kind: 'must-fail' } });
      break;
    }
    case 'user.patch': {
      const { id, real } = pathId(c, userId, dir);
      value = mutateSometimes({ schemas: [PATCH_SCHEMA], Operations: patchOps(c, 'User', undefined).ops });
      Object.assign(base, { method: 'PATCH', path: `/Users/${id}`, intent: real ? { kind: 'user.update', id } : { kind: 'must-fail' } });
      break;
    }
    case 'user.delete': {
      const { id, real } = pathId(c, userId, dir);
      Object.assign(base, { method: 'DELETE', path: `/Users/${id}`, intent: real ? { kind: 'user.delete', id } : { kind: 'must-fail' } });
      break;
    }
    case 'group.create': {
      const members = rng.chance(0.5) && userId ? [{ value: userId, display: 'x' }] : [];
      value = mutateSometimes({ schemas: [GROUP_SCHEMA], displayName: `Group ${c.counter()}${rng.chance(0.2) ? rng.pick(HOSTILE_STRINGS) : ''}`, members });
      Object.assign(base, { method: 'POST', path: '/Groups', intent: { kind: 'group.create' } });
      break;
    }
    case 'group.lookup':
      Object.assign(base, { path: filterQuery(c, 'Groups') });
      break;
    case 'group.get': {
      const { id } = pathId(c, groupId, dir);
      Object.assign(base, { path: `/Groups/${id}${rng.chance(0.5) ? '?excludedAttributes=members' : ''}` });
      break;
    }
    case 'group.patch': {
      const { id, real } = pathId(c, groupId, dir);
      const { ops, changes } = dir === 0 ? patchOps(c, 'Group', id) : { ops: [{ op: 'replace', value: { displayName: `B ${c.counter()}` } }], changes: undefined };
      value = mutateSometimes({ schemas: [PATCH_SCHEMA], Operations: ops });
      Object.assign(base, { method: 'PATCH', path: `/Groups/${id}`, intent: real ? { kind: 'group.patch', id, changes: mutated ? undefined : changes } : { kind: 'must-fail' } });
      break;
    }
    case 'group.put': {
      const { id, real } = pathId(c, groupId, dir);
      value = mutateSometimes({ schemas: [GROUP_SCHEMA], id, displayName: `Put ${c.counter()}`, members: userId ? [{ value: userId }] : [] });
      Object.assign(base, { method: 'PUT', path: `/Groups/${id}`, intent: real ? { kind: 'group.replace', id } : { kind: 'must-fail' } });
      break;
    }
    case 'group.delete': {
      const { id, real } = pathId(c, groupId, dir);
      Object.assign(base, { method: 'DELETE', path: `/Groups/${id}`, intent: real ? { kind: 'group.delete', id } : { kind: 'must-fail' } });
      break;
    }
    case 'filter.escape': {
      const resource = rng.pick(['Users', 'Groups'] as const);
      const lit = rng.pick(ESCAPED_LITERALS);
      const attr = resource === 'Users' ? rng.pick(['userName', 'externalId', 'emails.value', 'name.givenName', 'displayName']) : rng.pick(['displayName', 'externalId', 'members.value']);
      const filter = rng.pick([`${attr} eq "${lit}"`, `${attr} co "${lit}"`, `${attr} sw "a${lit}"`, `not (${attr} eq "${lit}")`, resource === 'Users' ? `emails[type eq "${lit}"].value eq "x"` : `members[value eq "${lit}"]`, `${attr} eq "x" or ${attr} ew "${lit}"`]);
      Object.assign(base, { path: `/${resource}?filter=${pct(filter)}${rng.pick(['', '&startIndex=1&count=10'])}` });
      break;
    }
    case 'filter.date': {
      const resource = rng.pick(['Users', 'Groups'] as const);
      const filter = `meta.${rng.pick(['lastModified', 'created'])} ${rng.pick(['gt', 'ge', 'lt', 'le', 'eq', 'ne'])} "${rng.pick(DATE_LITERALS)}"`;
      Object.assign(base, { path: `/${resource}?filter=${pct(rng.chance(0.3) ? `${filter} and meta.lastModified lt "${rng.pick(DATE_LITERALS)}"` : filter)}` });
      break;
    }
    case 'patch.escape-path': {
      const lit = rng.pick(ESCAPED_LITERALS);
      if (rng.chance(0.5)) {
        const { id, real } = pathId(c, userId, dir);
        const op = rng.pick([
          { op: 'replace', path: `emails[type eq "${lit}"].value`, value: 'escaped@example.com' },
          { op: 'add', path: `addresses[type eq "${lit}"].locality`, value: 'Paris' },
          { op: 'remove', path: `emails[value eq "${lit}"]` },
          { op: 'Replace', path: `phoneNumbers[type eq "work" and value co "${lit}"].value`, value: '+1 555' },
        ]);
        value = { schemas: [PATCH_SCHEMA], Operations: [op] };
        Object.assign(base, { method: 'PATCH', path: `/Users/${id}`, intent: real ? { kind: 'user.update', id } : { kind: 'must-fail' } });
      } else {
        const { id, real } = pathId(c, groupId, dir);
        value = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: rng.pick([`members[value eq "${lit}"]`, `members[display eq "${lit}"]`, `members[value eq "x" or value eq "${lit}"]`]) }] };
        Object.assign(base, { method: 'PATCH', path: `/Groups/${id}`, intent: real ? { kind: 'group.patch', id, changes: undefined } : { kind: 'must-fail' } });
      }
      break;
    }
    case 'scim.spelling': {
      const canonical = `/scim/v2/${model.directoryId}${rng.pick(['/Users', '/Groups', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes', userId ? `/Users/${userId}` : '/Users', groupId ? `/Groups/${groupId}` : '/Groups'])}`;
      const method = rng.pick(['GET', 'GET', 'POST', 'PATCH', 'DELETE', 'PUT']);
      if (method !== 'GET') value = method === 'PATCH' ? { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] } : oktaUser(uniqueName(c));
      Object.assign(base, { method, path: '/Users', rawPath: rng.pick(spellingVariants(canonical).filter((v) => nonCanonicalReason(v) !== undefined)), intent: { kind: 'must-fail' } });
      break;
    }
    case 'discovery':
      Object.assign(base, { path: rng.pick(['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/ResourceTypes/User', `/Schemas/${USER_SCHEMA}`, '/Schemas/..%2F..', '/Me', '/Bulk', '/', '/Users/', '//Users', '/Users?count=2&startIndex=1']) });
      break;
    default:
      Object.assign(base, { method: rng.pick(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), path: rng.pick(['/Users', '/Groups', '/ServiceProviderConfig', '/Bulk', `/Users/${userId ?? 'x'}/extra`, '/Schemas']), intent: { kind: 'must-fail' } });
      value = rng.chance(0.5) ? { schemas: [PATCH_SCHEMA], Operations: [] } : undefined;
  }
  base.label = `${kind}${mutated ? ' (mutated)' : ''}`;
  if (value !== undefined) base.body = json(value);
  if (base.method !== 'GET') base.headers['Content-Type'] = 'application/scim+json; charset=utf-8';
  if (base.method === 'POST' && rng.chance(0.2)) base.headers['Content-Type'] = 'application/json';
  applyTransport(c, base);
  // Nothing sent with a foreign or broken credential may ever be applied (G6).
  if (base.auth !== 'ok' && base.auth !== 'lowercase-bearer') base.intent = { kind: 'must-fail' };
  return base;
}

/** Encoding, size, header and credential variants on top of a request. */
function applyTransport(c: CaseContext, fc: FuzzCase): void {
  const { rng } = c;
  if (rng.chance(0.12)) {
    fc.auth = rng.pick<AuthVariant>(['missing', 'non-token', 'other-directory', 'lowercase-bearer', 'garbage', 'basic']);
    fc.label += ` auth=${fc.auth}`;
  }
  if (rng.chance(0.08)) {
    fc.headers['Content-Type'] = rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/scim+json; charset=latin1', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-16', '*/*']);
    fc.label += ' content-type';
  }
  if (rng.chance(0.08)) {
    fc.headers['If-Match'] = rng.pick(['W/"1"', '*', 'W/"999"', '"1"', 'garbage', 'W/"1", W/"2"', '']);
    fc.label += ' if-match';
    if (fc.intent.kind === 'group.patch') fc.intent = { ...fc.intent, changes: undefined };
  }
  if (fc.method === 'GET' || !rng.chance(0.25)) return;
  const text = fc.body?.toString('utf8') ?? '{}';
  const variant = rng.int(11);
  fc.label += ` body#${variant}`;
  if (fc.intent.kind === 'group.patch') fc.intent = { ...fc.intent, changes: undefined };
  switch (variant) {
    case 0:
      fc.body = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(text)]);
      break;
    case 1:
      fc.body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
      break;
    case 2:
      fc.body = Buffer.from(text.slice(0, Math.max(1, rng.int(text.length))));
      break;
    case 3:
    {
      // Built as text: JSON.stringify itself overflows the stack at this depth.
      const depth = rng.pick([33, 500, 20_000]);
      fc.body = Buffer.from(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);
    }
      break;
    case 4:
      fc.body = Buffer.alloc(c.maxBodyBytes + 1 + rng.int(1000), 0x20);
      break;
    case 5:
      fc.body = Buffer.from(text.replace(/^\{/, '{"userName":"dup@example.com","displayName":"dup",'));
      break;
    case 6:
      fc.body = Buffer.from(rng.pick(['null', '[]', '"string"', '123', 'true', '', ' ', '{}', '{"schemas":null}']));
      break;
    case 7:
      fc.body = Buffer.from(text.replace(/"([a-z]+)":/, '"$1\\u0000":'));
      break;
    case 8:
      fc.body = Buffer.from(text.replace(/"[^"]*@[^"]*"/, `"${'é'.repeat(30_000)}@example.com"`));
      break;
    case 9:
      fc.body = Buffer.from(text.replace(/\}$/, ',"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'));
      break;
    default:
      fc.body = undefined;
  }
}
