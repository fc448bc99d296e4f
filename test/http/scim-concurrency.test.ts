import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaGroup, oktaUser, patch } from '../support/okta-bodies';

describe('concurrency and pagination through the queued path', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let directoryId = '';

  before(async () => {
    env = await createTestEnv({ env: { WORKER_CONCURRENCY: '8' } });
    const dir = await env.createDirectory();
    directoryId = dir.directoryId;
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('concurrent duplicate creates: exactly one 201, the rest 409 uniqueness, never a 5xx', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => scim('POST', '/Users', oktaUser(i % 2 ? 'RACE@example.com' : 'race@example.com'))));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 11);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.scimType, 'uniqueness');
    const rows = await env.db('users').where({ directory_id: directoryId }).whereRaw("lower(user_name) = 'race@example.com'");
    assert.equal(rows.length, 1);
  });

  it('250 users page with stable order, integer paging fields and itemsPerPage = returned count', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `page${String(i).padStart(3, '0')}@example.com`);
    for (let i = 0; i < names.length; i += 10) {
      const batch = await Promise.all(names.slice(i, i + 10).map((n) => scim('POST', '/Users', oktaUser(n))));
      for (const r of batch) assert.equal(r.status, 201, r.text);
    }
    const seen: string[] = [];
    let total = Infinity;
    for (let start = 1; start <= total; start += 100) {
      const res = await scim('GET', `/Users?startIndex=${start}&count=100`);
      assert.equal(res.status, 200);
      total = res.body.totalResults;
      assert.equal(typeof res.body.totalResults, 'number');
      assert.equal(res.body.startIndex, start);
      assert.equal(res.body.itemsPerPage, res.body.Resources.length);
      seen.push(...res.body.Resources.map((u: { id: string }) => u.id));
    }
    assert.equal(total, 251); // + the race user
    assert.equal(seen.length, 251);
    assert.equal(new Set(seen).size, 251, 'no user twice across pages');
    const again = await scim('GET', '/Users?startIndex=101&count=100');
    assert.deepEqual(again.body.Resources.map((u: { id: string }) => u.id), seen.slice(100, 200), 'same page twice gives the same users');
    const past = await scim('GET', '/Users?startIndex=1000&count=100');
    assert.equal(past.body.itemsPerPage, 0);
    assert.deepEqual(past.body.Resources, []);
  });

  it('20 concurrent PATCHes adding members to one group lose no member', async () => {
    const users = (await scim('GET', '/Users?startIndex=1&count=40')).body.Resources.map((u: { id: string }) => u.id) as string[];
    const group = await scim('POST', '/Groups', oktaGroup('Concurrent'));
    assert.equal(group.status, 201);
    const gid = group.body.id as string;
    const results = await Promise.all(
      users.slice(0, 20).map((uid) => scim('PATCH', `/Groups/${gid}`, patch({ op: 'replace', value: { id: gid, displayName: 'Concurrent' } }, { op: 'add', path: 'members', value: [{ value: uid, display: uid }] }))),
    );
    for (const r of results) assert.ok(r.status === 204 || r.status === 200, r.text);
    const members = (await scim('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, users.slice(0, 20).sort());

    // Mixed concurrent adds and removes: removes of the first 10, adds of 10 more.
    const mixed = await Promise.all([
      ...users.slice(0, 10).map((uid) => scim('PATCH', `/Groups/${gid}`, patch({ op: 'remove', path: `members[value eq "${uid}"]` }))),
      ...users.slice(20, 30).map((uid) => scim('PATCH', `/Groups/${gid}`, patch({ op: 'add', path: 'members', value: [{ value: uid }] }))),
    ]);
    for (const r of mixed) assert.ok(r.status === 204 || r.status === 200, r.text);
    const final = (await scim('GET', `/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(final, users.slice(10, 30).sort());
    const added = await env.db('events').where({ resource_id: gid, type: 'group.user_added' }).count<{ count: number }[]>({ count: '*' });
    assert.equal(Number(added[0]?.count), 30, 'one user_added event per member actually added');
  });
});
