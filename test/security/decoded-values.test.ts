import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaGroup, oktaUser, patch } from '../support/okta-bodies';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { PortalClient } from '../portal/portal-client';
import { rawRequest } from '../support/raw-http';
import { issuePortalLink } from '../../src/portal-access/portal-link';
import { createOpsQueues } from '../../src/ops/ops-queues';
import { isActivityCursor, isSeqCursor } from '../../src/store/portal-cursors';

// JSON text of a filter literal whose escape decodes to U+0000 / a lone high surrogate only inside the filter parser.
const NUL = '\\u0000';
const LONE = '\\ud800';

describe('every value is validated where it is decoded (issue 9, requirement 3)', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  let scim: ScimClient;
  let userId: string;
  let groupId: string;

  const jobCounts = async (): Promise<string> => {
    const queues = createOpsQueues(env.redis, env.config.queuePrefix);
    const counts = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const));
    await Promise.all(queues.map((q) => q.close()));
    return JSON.stringify(counts);
  };

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY } });
    dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
    const user = await scim('POST', '/Users', oktaUser('decoded.values@example.com'));
    assert.equal(user.status, 201);
    userId = String(user.body.id);
    const group = await scim('POST', '/Groups', oktaGroup('Decoded'));
    assert.equal(group.status, 201);
    groupId = String(group.body.id);
  });
  after(async () => env?.close());

  it('SCIM filters: escaped NUL or lone surrogate, raw NUL, year 0 and out-of-range dates are 400 invalidFilter', async () => {
    const filters = [
      `userName eq "a${NUL}b"`,
      `userName eq "${LONE}"`,
      `userName co "x${NUL}"`,
      'userName eq "a\u0000b"',
      `emails[type eq "a${NUL}b"].value eq "x"`,
      'meta.lastModified gt "0000-01-01"',
      'meta.lastModified gt "0000-12-31T23:59:59Z"',
      'meta.created lt "0001-01-01T00:30:00+01:00"',
      'meta.lastModified gt "99999-01-01"',
      'meta.lastModified gt "1e999"',
    ];
    for (const filter of filters) {
      for (const resource of ['/Users', '/Groups']) {
        const f = resource === '/Groups' ? filter.replace('userName', 'displayName').replace(/^emails\[.*/, `displayName eq "${NUL}"`) : filter;
        const res = await scim('GET', `${resource}?filter=${encodeURIComponent(f)}`);
        assert.equal(res.status, 400, `${resource} ${f}: ${res.text}`);
        assert.equal(res.body.scimType, 'invalidFilter', f);
      }
    }
    // The edges of the range still work.
    assert.equal((await scim('GET', `/Users?filter=${encodeURIComponent('meta.lastModified gt "0001-01-01T00:00:00Z"')}`)).status, 200);
    assert.equal((await scim('GET', `/Users?filter=${encodeURIComponent('meta.lastModified lt "9999-12-31T23:59:59Z"')}`)).status, 200);
  });

  it('PATCH path filters with decoded NUL, lone surrogates or year 0 are 400 invalidPath, and nothing is queued', async () => {
    const jobsBefore = await jobCounts();
    const opsBefore = await env.db('operations').count({ n: '*' });
    const cases: [string, unknown][] = [
      [`/Users/${userId}`, patch({ op: 'replace', path: `emails[type eq "a${NUL}b"].value`, value: 'x@example.com' })],
      [`/Users/${userId}`, patch({ op: 'add', path: `emails[type eq "${LONE}"].value`, value: 'x@example.com' })],
      [`/Users/${userId}`, patch({ op: 'remove', path: `addresses[type eq "${NUL}"]` })],
      [`/Groups/${groupId}`, patch({ op: 'remove', path: `members[value eq "${NUL}"]` })],
      [`/Groups/${groupId}`, patch({ op: 'remove', path: `members[value eq "${LONE}"]` })],
    ];
    for (const [path, body] of cases) {
      const res = await scim('PATCH', path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.scimType, 'invalidPath');
    }
    assert.equal(await jobCounts(), jobsBefore, 'no job was queued');
    assert.deepEqual(await env.db('operations').count({ n: '*' }), opsBefore);
  });

  it('admin API: NUL or lone surrogate in names, bodies and query strings is a JSON 400', async () => {
    const api = adminClient(env.baseUrl, ADMIN_KEY);
    const orgsBefore = await env.db('organizations').count({ n: '*' });
    const org = dir.organizationId;
    const cases: [string, string, unknown][] = [
      ['POST', '/organizations', { name: 'a\u0000b' }],
      ['POST', '/organizations', { name: '\ud800' }],
      ['PATCH', `/organizations/${org}`, { name: 'x\u0000' }],
      ['POST', `/organizations/${org}/role-mappings`, { groupName: 'a\u0000b', role: 'admin' }],
      ['POST', `/organizations/${org}/role-mappings`, { groupName: 'Engineering', role: '\udc00' }],
      ['POST', `/organizations/${org}/sinks`, { url: 'https://example.com/hook', name: 'a\u0000' }],
      ['GET', `/organizations/${org}/events?cursor=%00`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await api(method, path, body);
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.equal(res.body.error.code, 'invalid_request');
    }
    assert.deepEqual(await env.db('organizations').count({ n: '*' }), orgsBefore);
    assert.equal((await env.db('role_mappings')).length, 0);
  });

  it('portal: NUL in a search, malformed or impossible cursors are a 400 page', async () => {
    const portal = new PortalClient(env.baseUrl);
    assert.equal((await portal.open((await issuePortalLink(env.config, env.db, dir.organizationId)).url)).status, 303);
    const base = `/portal/directories/${dir.directoryId}`;
    const bad = [
      `${base}/users?q=a%00b`,
      `${base}/groups?q=a%00b`,
      `${base}/users?after=abc`,
      `${base}/groups?before=1%00`,
      `${base}/groups/${groupId}?after=not-a-uuid`,
      `${base}/activity?before=garbage`,
      `${base}/activity?before=${encodeURIComponent('0000-01-01 00:00:00+00|00000000-0000-4000-8000-000000000000')}`,
      `${base}/activity?before=${encodeURIComponent('2026-02-30 00:00:00+00|00000000-0000-4000-8000-000000000000')}`,
      `${base}/activity?before=${encodeURIComponent('2026-01-01 25:00:00+00|00000000-0000-4000-8000-000000000000')}`,
      `${base}/activity?before=${encodeURIComponent('2026-01-01 00:00:00+00\u0000|00000000-0000-4000-8000-000000000000')}`,
    ];
    for (const path of bad) {
      const res = await rawRequest(env.baseUrl, 'GET', path, { Cookie: portal.cookie ?? '' });
      assert.equal(res.status, 400, `${path}: ${res.status}`);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.text, /not valid/);
    }
    const good = [`${base}/users?q=jane`, `${base}/activity?before=${encodeURIComponent('2999-01-01 00:00:00.123456+00|00000000-0000-4000-8000-000000000000')}`, `${base}/users?after=1`];
    for (const path of good) assert.equal((await portal.get(path)).status, 200, path);
  });

  it('cursor shapes: what the store writes passes, anything else does not', () => {
    assert.ok(isSeqCursor('42'));
    assert.ok(!isSeqCursor('1e3'));
    assert.ok(isActivityCursor('2026-11-29 04:11:45.123456+00|0f0e0d0c-0b0a-4000-8000-000000000001'));
    assert.ok(isActivityCursor('2026-11-29 04:11:45+05:30|0f0e0d0c-0b0a-4000-8000-000000000001'));
    assert.ok(!isActivityCursor('2026-11-29T04:11:45Z|0f0e0d0c-0b0a-4000-8000-000000000001'));
    assert.ok(!isActivityCursor('2026-02-29 00:00:00+00|0f0e0d0c-0b0a-4000-8000-000000000001'));
    assert.ok(isActivityCursor('2024-02-29 00:00:00+00|0f0e0d0c-0b0a-4000-8000-000000000001'));
  });
});
