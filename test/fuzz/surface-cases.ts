import type { Prng } from './prng';
import { pct } from './fuzz-cases';
import { DATE_LITERALS, ESCAPED_LITERALS, HOSTILE_STRINGS } from './hostile-values';
import { spellingVariants } from '../support/path-spellings';
import { nonCanonicalReason } from '../../src/http/shared/canonical-path';

/**
 * Requests to the other surfaces (issue 9): the admin API, the Admin Portal and
 * the ops endpoints, with hostile names, cursors, query values, webhook URLs in
 * every address notation, and non-canonical spellings of every path.
 */
export type Surface = 'admin' | 'portal' | 'ops';
export type Credentials = 'valid' | 'none' | 'wrong';

export interface SurfaceCase {
  family: string;
  surface: Surface;
  method: string;
  /** The whole request-target, byte for byte. */
  rawPath: string;
  credentials: Credentials;
  /** A non-canonical spelling: only 401, 403 or 404 may answer. */
  spelled: boolean;
  body?: Buffer;
  contentType?: string;
}

export interface SurfaceContext {
  rng: Prng;
  /** An organization of its own: admin writes never touch the fuzzed directories' organizations. */
  scratchOrgId: string;
  /** The directory the portal session may see (read-only requests only). */
  portalDirectoryId: string;
  someGroupId: () => string | undefined;
  counter: () => number;
}

const PRIVATE_URLS = [
  'https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'https://127.0.0.1:6379/', 'https://[::1]/', 'https://0x7f.1/', 'https://2130706433/',
  'https://017700000001/', 'https://0xa9fea9fe/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[fd00:ec2::254]/', 'https://[fe80::1%25eth0]/',
  'https://metadata.google.internal/computeMetadata/v1/', 'https://metadata.google.internal./', 'https://100.100.100.200/', 'https://192.168.0.1:8443/x', 'https://[64:ff9b::a9fe:a9fe]/',
  'https://[2002:7f00:1::]/', 'https://0/', 'https://127.1/', 'http://10.0.0.1/', 'gopher://127.0.0.1/', 'https://user:pw@10.0.0.1/', 'file:///etc/passwd', 'not a url',
];

/** JSON text with literal escapes kept (JSON.stringify would escape the backslash itself). */
const rawJson = (fields: Record<string, string>): Buffer => Buffer.from(`{${Object.entries(fields).map(([k, v]) => `"${k}":"${v}"`).join(',')}}`);

function hostileText(rng: Prng): Buffer | string {
  return rng.chance(0.5) ? rng.pick(ESCAPED_LITERALS) : rng.pick(HOSTILE_STRINGS);
}

function activityCursor(rng: Prng): string {
  const uuid = rng.uuid();
  return rng.pick([
    `${rng.pick(['2026-11-29 04:11:45.123456+00', '0000-01-01 00:00:00+00', '2026-02-30 00:00:00+00', '2026-01-01 25:00:00+00', '99999-01-01 00:00:00+00', '2026-11-29T04:11:45Z'])}|${uuid}`,
    `2026-11-29 04:11:45+00|${rng.pick(['x', uuid.toUpperCase(), `${uuid}\u0000`, ''])}`,
    rng.pick(HOSTILE_STRINGS),
    rng.pick(DATE_LITERALS),
  ]);
}

function adminCase(c: SurfaceContext): Omit<SurfaceCase, 'credentials' | 'spelled'> {
  const { rng } = c;
  const org = rng.chance(0.85) ? c.scratchOrgId : rng.pick([rng.uuid(), 'x', '%00', pct(rng.pick(HOSTILE_STRINGS)), '0'.repeat(300)]);
  const text = () => {
    const t = hostileText(rng);
    return typeof t === 'string' ? t.replace(/["\\]/g, (m) => (ESCAPED_LITERALS.includes(t) ? m : `\\${m}`)).replace(/[\u0000-\u001f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : '';
  };
  const kind = rng.weighted<string>([[3, 'admin.names'], [2, 'admin.sinks'], [3, 'admin.reads']]);
  if (kind === 'admin.names') {
    const shape = rng.int(4);
    if (shape === 0) return { family: kind, surface: 'admin', method: 'POST', rawPath: '/api/v1/organizations', body: rawJson({ name: `${text()}${c.counter()}` }), contentType: 'application/json' };
    if (shape === 1) return { family: kind, surface: 'admin', method: 'PATCH', rawPath: `/api/v1/organizations/${org}`, body: rawJson({ name: `fz ${text()} ${c.counter()}` }), contentType: 'application/json' };
    return { family: kind, surface: 'admin', method: 'POST', rawPath: `/api/v1/organizations/${org}/role-mappings`, body: rawJson({ groupName: text() || 'g', role: rng.chance(0.5) ? 'admin' : text() || 'r' }), contentType: 'application/json' };
  }
  if (kind === 'admin.sinks') {
    return { family: kind, surface: 'admin', method: 'POST', rawPath: `/api/v1/organizations/${org}/sinks`, body: Buffer.from(JSON.stringify({ url: rng.pick(PRIVATE_URLS), ...(rng.chance(0.3) ? { name: 'fz' } : {}) })), contentType: 'application/json' };
  }
  const path = rng.pick([
    '/api/v1/organizations',
    `/api/v1/organizations/${org}`,
    `/api/v1/organizations/${org}/directories`,
    `/api/v1/organizations/${org}/sinks`,
    `/api/v1/organizations/${org}/role-mappings`,
    `/api/v1/organizations/${org}/app-users`,
    `/api/v1/organizations/${org}/dead-letters?includeReplayed=${pct(rng.pick(HOSTILE_STRINGS))}`,
    `/api/v1/organizations/${org}/events?cursor=${pct(rng.pick([...HOSTILE_STRINGS, ...DATE_LITERALS, 'eyJ4IjoxfQ', '']))}&limit=${pct(rng.pick(['1', '0', '-1', '1e9', 'x', '\u0000']))}`,
    `/api/v1/directories/${rng.pick([rng.uuid(), 'x', '%00'])}/reconcile-reports`,
    '/api/v1/delivery/stats',
  ]);
  return { family: kind, surface: 'admin', method: 'GET', rawPath: path };
}

function portalCase(c: SurfaceContext): Omit<SurfaceCase, 'credentials' | 'spelled'> {
  const { rng } = c;
  const base = `/portal/directories/${rng.chance(0.9) ? c.portalDirectoryId : rng.pick([rng.uuid(), 'x', '%00'])}`;
  const q = () => pct(rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : JSON.parse(`"${rng.pick(ESCAPED_LITERALS.filter((l) => !/\\u(?![0-9a-fA-F]{4})|\\x|^\\"$/.test(l)))}"`) as string);
  const kind = rng.weighted<string>([[3, 'portal.query'], [3, 'portal.cursor'], [1, 'portal.refused-post']]);
  if (kind === 'portal.refused-post') {
    return { family: kind, surface: 'portal', method: 'POST', rawPath: `${base}/${rng.pick(['rotate', 'revoke', 'disable', 'delete'])}`, body: Buffer.from('_csrf=forged'), contentType: 'application/x-www-form-urlencoded' };
  }
  if (kind === 'portal.query') {
    return { family: kind, surface: 'portal', method: 'GET', rawPath: `${base}/${rng.pick(['users', 'groups'])}?q=${q()}${rng.chance(0.3) ? `&status=${pct(rng.pick(['active', 'inactive', ...HOSTILE_STRINGS]))}` : ''}` };
  }
  const group = c.someGroupId() ?? rng.uuid();
  return {
    family: kind,
    surface: 'portal',
    method: 'GET',
    rawPath: rng.pick([
      `${base}/activity?before=${pct(activityCursor(rng))}`,
      `${base}/users?${rng.pick(['after', 'before'])}=${pct(rng.pick(['1', '0', '999999999999999', '1e3', '-1', ...HOSTILE_STRINGS]))}`,
      `${base}/groups?${rng.pick(['after', 'before'])}=${pct(rng.pick(['2', 'x', ...HOSTILE_STRINGS]))}`,
      `${base}/groups/${group}?after=${pct(rng.pick([rng.uuid(), 'x', ...HOSTILE_STRINGS]))}`,
      `${base}`,
    ]),
  };
}

/** The next request to a non-SCIM surface, sometimes without or with wrong credentials, sometimes spelled otherwise. */
export function nextSurfaceCase(c: SurfaceContext): SurfaceCase {
  const { rng } = c;
  const surface = rng.weighted<Surface>([[5, 'admin'], [4, 'portal'], [1, 'ops']]);
  const made = surface === 'admin' ? adminCase(c) : surface === 'portal' ? portalCase(c) : { family: 'ops', surface, method: 'GET', rawPath: rng.pick(['/metrics', '/ops/queues', '/ops/queues/api/queues']) };
  const credentials = rng.weighted<Credentials>([[7, 'valid'], [2, 'none'], [1, 'wrong']]);
  if (!rng.chance(0.25)) return { ...made, credentials, spelled: false };
  const q = made.rawPath.indexOf('?');
  const path = q < 0 ? made.rawPath : made.rawPath.slice(0, q);
  const query = q < 0 ? '' : made.rawPath.slice(q);
  // Only spellings the server must refuse (a fixed part spelled otherwise); an upper-case id is the same resource behind the same guards.
  const variants = spellingVariants(path).filter((v) => nonCanonicalReason(v) !== undefined);
  return { ...made, family: `spelling.${surface}`, rawPath: `${rng.pick(variants)}${query}`, credentials, spelled: true };
}
