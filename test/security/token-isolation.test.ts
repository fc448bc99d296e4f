/**
 * Issue 6 requirement 5: a SCIM token opens its own directory and nothing else:
 * no other directory (of another organization or of its own), no endpoint outside
 * /scim (admin API, portal, ops board, metrics), and guessing is rate-limited.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser, oktaGroup, patch, lookupPath, ERROR_SCHEMA, USER_SCHEMA, GROUP_SCHEMA } from '../support/okta-bodies';
import { DirectoryStore } from '../../src/store/directory-store';
import { loadConfig } from '../../src/config/config';

const ADMIN_KEY = 'security-admin-key-0123456789';
const AUTH_FAILURE_LIMIT = 12;

describe('security: a directory token reaches its own directory only', () => {
  let env: TestEnv;
  let a: TestDirectory;
  let b: TestDirectory;
  let sibling: { directoryId: string; scimUrl: string };
  let bUser: string;
  let bGroup: string;
  /**
   * Each test fakes its own client IP: the server trusts one proxy hop (TRUST_PROXY=1, as on Heroku),
   * so the last X-Forwarded-For entry is the client, and the auth-failure limit of one test does not leak into another.
   */
  let ipCounter = 10;
  const newIp = () => `198.51.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, SCIM_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT), SCIM_AUTH_FAILURE_WINDOW_SECONDS: '600', METRICS_PUBLIC: 'false', TRUST_PROXY: '1' } });
    a = await env.createDirectory();
    b = await env.createDirectory();
    // A second directory of A's own organization (e.g. Entra next to Okta).
    const { directory } = await new DirectoryStore(env.db).create(a.organizationId, 'entra');
    sibling = { directoryId: directory.id, scimUrl: `${env.baseUrl}/scim/v2/${directory.id}` };
    const scimB = scimClient(b.scimUrl, b.token);
    bUser = (await scimB('POST', '/Users', oktaUser('b.user@b.example.com'))).body.id;
    bGroup = (await scimB('POST', '/Groups', oktaGroup('B Team', [bUser]))).body.id;
    assert.ok(bUser && bGroup);
  });
  after(async () => env.close());

  /** Every SCIM endpoint, reads, writes and discovery, with ids that exist in directory B. */
  const scimEndpoints = (): [string, string, unknown?][] => [
    ['GET', '/Users?startIndex=1&count=100'],
    ['GET', lookupPath('b.user@b.example.com')],
    ['GET', `/Users/${bUser}`],
    ['POST', '/Users', oktaUser('intruder@a.example.com')],
    ['PUT', `/Users/${bUser}`, { ...oktaUser('b.user@b.example.com', 'Hijacked'), id: bUser, schemas: [USER_SCHEMA] }],
    ['PATCH', `/Users/${bUser}`, patch({ op: 'replace', value: { active: false } })],
    ['DELETE', `/Users/${bUser}`],
    ['GET', '/Groups?startIndex=1&count=100'],
    ['GET', `/Groups/${bGroup}`],
    ['POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Intruders', members: [] }],
    ['PUT', `/Groups/${bGroup}`, { schemas: [GROUP_SCHEMA], id: bGroup, displayName: 'Hijacked', members: [] }],
    ['PATCH', `/Groups/${bGroup}`, patch({ op: 'replace', path: 'members', value: [] })],
    ['DELETE', `/Groups/${bGroup}`],
    ['GET', '/ServiceProviderConfig'],
    ['GET', '/ResourceTypes'],
    ['GET', '/ResourceTypes/User'],
    ['GET', '/Schemas'],
    ['GET', `/Schemas/${USER_SCHEMA}`],
    ['POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }],
    ['GET', '/NoSuchEndpoint'],
  ];

  it("A's token gets 401 (a SCIM error) on every SCIM endpoint of B and of A's sibling directory; nothing changes", async () => {
    const before = JSON.stringify(await env.db('users').where({ directory_id: b.directoryId }).orderBy('id'));
    const ops = await env.db('operations').whereIn('directory_id', [b.directoryId, sibling.directoryId]).count('* as n');
    let n = 0;
    for (const target of [b.scimUrl, sibling.scimUrl]) {
      const scim = scimClient(target, a.token);
      for (const [method, path, body] of scimEndpoints()) {
        // A fresh client IP per request: the auth-failure limit (tested below) must not mask a 401.
        const res = await scim(method, path, body, { 'X-Forwarded-For': newIp() });
        assert.equal(res.status, 401, `${method} ${target.split('/v2/')[1]}${path}: ${res.status} ${res.text.slice(0, 200)}`);
        assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
        assert.equal(res.text.includes('b.user@b.example.com'), false);
        n++;
      }
    }
    assert.equal(n, scimEndpoints().length * 2);
    assert.equal(JSON.stringify(await env.db('users').where({ directory_id: b.directoryId }).orderBy('id')), before, "B's users are untouched");
    assert.deepEqual(await env.db('operations').whereIn('directory_id', [b.directoryId, sibling.directoryId]).count('* as n'), ops, 'no write reached a queue');
    // A's own token still works on A, and B's ids are simply not there.
    const own = scimClient(a.scimUrl, a.token);
    assert.equal((await own('GET', '/Users?startIndex=1&count=100', undefined, { 'X-Forwarded-For': newIp() })).body.totalResults, 0);
    assert.equal((await own('GET', `/Users/${bUser}`, undefined, { 'X-Forwarded-For': newIp() })).status, 404);
    assert.equal((await own('PATCH', `/Groups/${bGroup}`, patch({ op: 'replace', path: 'members', value: [] }), { 'X-Forwarded-For': newIp() })).status, 404);
    assert.equal(await env.db('group_members').where({ group_id: bGroup }).count('* as n').then((r) => Number(r[0]?.n)), 1);
  });

  it('a SCIM token opens nothing outside /scim: admin API, portal, ops board, metrics', async () => {
    const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const paths: [string, string][] = [
      ['GET', '/api/v1/organizations'],
      ['GET', `/api/v1/organizations/${a.organizationId}`],
      ['GET', `/api/v1/organizations/${a.organizationId}/directories`],
      ['GET', `/api/v1/organizations/${a.organizationId}/sinks`],
      ['GET', `/api/v1/organizations/${a.organizationId}/app-users`],
      ['GET', `/api/v1/organizations/${a.organizationId}/events`],
      ['POST', `/api/v1/organizations/${a.organizationId}/portal-links`],
      ['POST', `/api/v1/directories/${a.directoryId}/reconcile`],
      ['GET', '/api/v1/delivery/stats'],
      ['GET', '/portal/directory-sync'],
      ['GET', `/portal/directories/${a.directoryId}`],
      ['GET', `/portal/directories/${a.directoryId}/users`],
      ['POST', `/portal/directories/${a.directoryId}/rotate`],
      ['GET', '/ops/queues'],
      ['GET', '/metrics'],
    ];
    for (const [method, path] of paths) {
      for (const [how, headers] of [
        ['bearer', { Authorization: `Bearer ${a.token}` }],
        ['basic', { Authorization: basic(a.token) }],
        ['cookie', { Cookie: `dirsync_portal=${a.token}` }],
      ] as const) {
        const res = await fetch(`${env.baseUrl}${path}`, { method, headers: { ...headers, 'content-type': 'application/json', Origin: env.baseUrl }, redirect: 'manual', ...(method === 'POST' ? { body: '{}' } : {}) });
        const text = await res.text();
        assert.ok([401, 403].includes(res.status), `${method} ${path} with the SCIM token as ${how}: ${res.status} ${text.slice(0, 200)}`);
        assert.equal(text.includes(a.token), false);
      }
    }
    // The same paths do open with the right credentials, so the 401s above are about the token.
    assert.equal((await fetch(`${env.baseUrl}/api/v1/organizations`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).status, 200);
    assert.equal((await fetch(`${env.baseUrl}/metrics`, { headers: { Authorization: basic(ADMIN_KEY) } })).status, 200);
    assert.equal((await fetch(`${env.baseUrl}/ops/queues`, { headers: { Authorization: basic(ADMIN_KEY) } })).status, 200);
  });

  it('token guessing: after the limit, bad tokens get 429 + Retry-After, even the right token from that IP; another IP is unaffected', async () => {
    const guesser = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 8; i++) {
      const guess = `dsk_${Buffer.from(`guess-${i}`).toString('base64url').padEnd(43, 'A')}`;
      const res = await scimClient(a.scimUrl, guess)('GET', '/Users?startIndex=1&count=1', undefined, { 'X-Forwarded-For': guesser });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After on 429');
        assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
      }
    }
    assert.deepEqual(statuses, [...Array<number>(AUTH_FAILURE_LIMIT).fill(401), ...Array<number>(8).fill(429)]);
    // Also across directories: the limit is per client IP, not per directory.
    assert.equal((await scimClient(b.scimUrl, 'dsk_x')('GET', '/Users', undefined, { 'X-Forwarded-For': guesser })).status, 429);
    assert.equal((await scimClient(a.scimUrl, a.token)('GET', '/Users', undefined, { 'X-Forwarded-For': guesser })).status, 429, 'blocked before the token is checked');
    const elsewhere = await scimClient(a.scimUrl, a.token)('GET', '/Users?startIndex=1&count=1', undefined, { 'X-Forwarded-For': newIp() });
    assert.equal(elsewhere.status, 200, 'a good token from another IP works');
    assert.equal((await scimClient(b.scimUrl, b.token)('GET', '/Users?startIndex=1&count=1', undefined, { 'X-Forwarded-For': newIp() })).status, 200);
    assert.ok(loadConfig({}).rateLimit.authFailureLimit > 0, 'the limiter is on by default');
  });
});
