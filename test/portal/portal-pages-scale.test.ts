import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { PortalClient } from './portal-client';
import { DirectoryStore } from '../../src/store/directory-store';

const USERS = 100_000;
const MEMBERS = 20_000;

/** Page loads on a 100k-user directory: keyset pages and indexed search, never a full scan per page. */
describe('Admin Portal pages on a 100k-user directory', () => {
  let env: TestEnv;
  let client: PortalClient;
  let dirId = '';
  let groupId = '';

  const timed = async (path: string) => {
    const started = performance.now();
    const res = await client.get(path);
    return { ...res, ms: performance.now() - started };
  };
  const userNames = (html: string) => [...html.matchAll(/class="cell-secondary">([^<]+)</g)].map((m) => m[1]);

  before(async () => {
    env = await createTestEnv({ workers: false, env: { ADMIN_API_KEY: ADMIN_KEY } });
    const api = adminClient(env.baseUrl, ADMIN_KEY);
    const org = (await api('POST', '/organizations', { name: 'Big Co', directorySyncEnabled: true })).body;
    const { directory } = await new DirectoryStore(env.db).create(org.id, 'okta');
    dirId = directory.id;
    // Straight into the tables (the SCIM path is not what this test measures).
    await env.db.raw(
      `INSERT INTO users (directory_id, user_name, display_name, primary_email, active, doc)
       SELECT ?, 'user' || lpad(i::text, 6, '0') || '@big.test', 'Person ' || i, 'user' || lpad(i::text, 6, '0') || '@big.test', i % 10 <> 0, '{}'::jsonb
       FROM generate_series(1, ?) i`,
      [dirId, USERS],
    );
    const [g] = await env.db('groups').insert({ directory_id: dirId, display_name: 'Everyone', doc: {} }).returning('id');
    groupId = g.id;
    await env.db.raw(`INSERT INTO group_members (directory_id, group_id, user_id) SELECT ?, ?, id FROM users WHERE directory_id = ? ORDER BY seq LIMIT ?`, [dirId, groupId, dirId, MEMBERS]);
    await env.db.raw('VACUUM ANALYZE users');
    await env.db.raw('VACUUM ANALYZE group_members');
    client = new PortalClient(env.baseUrl);
    await client.open((await api('POST', `/organizations/${org.id}/portal-links`, {})).body.url);
  });
  after(async () => env.close());

  it('pages through users with keyset cursors, 50 a page, fast', async () => {
    const first = await timed(`/portal/directories/${dirId}/users`);
    assert.equal(first.status, 200);
    const names = userNames(first.text);
    assert.equal(names.length, 50);
    assert.equal(names[0], 'user000001@big.test');
    const next = /href="([^"]*after=\d+[^"]*)" rel="next"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(next);
    const second = await timed(next);
    assert.equal(userNames(second.text)[0], 'user000051@big.test');
    const prev = /href="([^"]*before=\d+[^"]*)" rel="prev"/.exec(second.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(prev);
    assert.equal(userNames((await client.get(prev)).text)[0], 'user000001@big.test');
    assert.ok(first.ms < 1500 && second.ms < 1500, `pages took ${first.ms.toFixed(0)} / ${second.ms.toFixed(0)} ms`);
  });

  it('searches and filters server-side (a rare match, a common one, deactivated only)', async () => {
    const rare = await timed(`/portal/directories/${dirId}/users?q=${encodeURIComponent('user099999@')}`);
    assert.deepEqual(userNames(rare.text), ['user099999@big.test']);
    const common = await timed(`/portal/directories/${dirId}/users?q=person+1`);
    assert.equal(userNames(common.text).length, 50);
    const inactive = await timed(`/portal/directories/${dirId}/users?status=inactive`);
    assert.ok(userNames(inactive.text).every((n) => Number(/user(\d+)/.exec(n ?? '')?.[1]) % 10 === 0));
    const literal = await timed(`/portal/directories/${dirId}/users?q=${encodeURIComponent('%')}`);
    assert.equal(userNames(literal.text).length, 0, 'LIKE wildcards in the search are literal');
    for (const r of [rare, common, inactive, literal]) assert.ok(r.ms < 1500, `search took ${r.ms.toFixed(0)} ms`);
  });

  it('overview counts, groups with member counts, and a 20k-member group page fast', async () => {
    const overview = await timed(`/portal/directories/${dirId}`);
    assert.match(overview.text, />100,000</);
    const groups = await timed(`/portal/directories/${dirId}/groups`);
    assert.match(groups.text, /Everyone<\/a><\/td><td class="num">20,000</);
    const members = await timed(`/portal/directories/${dirId}/groups/${groupId}`);
    assert.equal(userNames(members.text).length, 50);
    assert.match(members.text, /20,000 members/);
    for (const r of [overview, groups, members]) assert.ok(r.ms < 1500, `took ${r.ms.toFixed(0)} ms`);
  });

  it('the user search plan uses an index, not a sequential scan of users', async () => {
    const plan = await env.db.raw(
      `EXPLAIN SELECT seq FROM users WHERE directory_id = ? AND lower(user_name || ' ' || coalesce(display_name, '') || ' ' || coalesce(primary_email, '')) LIKE ? ORDER BY seq LIMIT 51`,
      [dirId, '%user099999@%'],
    );
    const text = plan.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    assert.doesNotMatch(text, /Seq Scan on users/, text);
  });
});
