import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, patch } from '../support/okta-bodies';

const MANAGER = `${ENTERPRISE_SCHEMA}:manager`;

// Issue #14: the four Entra shapes that failed the independent replay, on a directory whose provider is `entra`.
describe('Entra ID: manager as a plain string, and duplicate group names', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let userId = '';
  const managers: string[] = [];

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory({ provider: 'entra' });
    scim = scimClient(dir.scimUrl, dir.token);
    for (const name of ['boss1@contoso.example', 'boss2@contoso.example']) {
      const m = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: name, active: 'True' });
      assert.equal(m.status, 201, m.text);
      managers.push(m.body.id);
    }
    const u = await scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'emp@contoso.example', [ENTERPRISE_SCHEMA]: { department: 'R&D' } });
    assert.equal(u.status, 201, u.text);
    userId = u.body.id;
  });
  after(async () => env.close());

  const managerOf = async () => (await scim('GET', `/Users/${userId}`)).body[ENTERPRISE_SCHEMA]?.manager;

  it('1. Add with a plain string id sets manager.value', async () => {
    const res = await scim('PATCH', `/Users/${userId}`, patch({ op: 'Add', path: MANAGER, value: managers[0] }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body[ENTERPRISE_SCHEMA].manager, { value: managers[0] });
    assert.deepEqual(await managerOf(), { value: managers[0] });
  });

  it('2. Replace with another plain string id replaces the whole manager', async () => {
    // An object with a displayName first: the string replace must not leave the old displayName behind.
    const obj = await scim('PATCH', `/Users/${userId}`, patch({ op: 'Replace', path: MANAGER, value: { value: managers[0], displayName: 'Boss One' } }));
    assert.equal(obj.status, 200, obj.text);
    assert.deepEqual(await managerOf(), { value: managers[0], displayName: 'Boss One' });
    const res = await scim('PATCH', `/Users/${userId}`, patch({ op: 'Replace', path: MANAGER, value: managers[1] }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await managerOf(), { value: managers[1] });
  });

  it('3. Replace with an empty string clears the manager; other enterprise attributes stay', async () => {
    const res = await scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: MANAGER, value: '' }));
    assert.equal(res.status, 200, res.text);
    const got = (await scim('GET', `/Users/${userId}`)).body;
    assert.equal(got[ENTERPRISE_SCHEMA].manager, undefined);
    assert.equal(got[ENTERPRISE_SCHEMA].department, 'R&D');
  });

  it('the object form and op remove keep working', async () => {
    const set = await scim('PATCH', `/Users/${userId}`, patch({ op: 'add', path: MANAGER, value: { value: managers[0] } }));
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(await managerOf(), { value: managers[0] });
    const rm = await scim('PATCH', `/Users/${userId}`, patch({ op: 'Remove', path: MANAGER }));
    assert.equal(rm.status, 200, rm.text);
    assert.equal(await managerOf(), undefined);
  });

  it('a plain string manager in a POST/PUT body and in a path-less PATCH is stored in the RFC form', async () => {
    const put = await scim('PUT', `/Users/${userId}`, { schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA], userName: 'emp@contoso.example', [ENTERPRISE_SCHEMA]: { department: 'R&D', manager: managers[1] } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(await managerOf(), { value: managers[1] });
    const pathless = await scim('PATCH', `/Users/${userId}`, patch({ op: 'Replace', value: { [MANAGER]: managers[0], title: 'Engineer' } }));
    assert.equal(pathless.status, 200, pathless.text);
    const got = (await scim('GET', `/Users/${userId}`)).body;
    assert.deepEqual(got[ENTERPRISE_SCHEMA].manager, { value: managers[0] });
    assert.equal(got.title, 'Engineer');
  });

  it('4. a second POST /Groups with an existing displayName is 409 uniqueness, case-insensitively', async () => {
    const first = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Finance' });
    assert.equal(first.status, 201, first.text);
    for (const name of ['Finance', 'FINANCE']) {
      const dup = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name });
      assert.equal(dup.status, 409, dup.text);
      assert.equal(dup.body.scimType, 'uniqueness');
    }
    const list = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "finance"')}`);
    assert.equal(list.body.totalResults, 1);
  });
});

describe('group displayName uniqueness on renames, for every provider', () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv();
  });
  after(async () => env.close());

  for (const provider of ['okta', 'generic'] as const) {
    it(`${provider}: PUT or PATCH rename onto a taken name is 409 and changes nothing; concurrent creates give one group`, async () => {
      const dir = await env.createDirectory({ provider });
      const scim = scimClient(dir.scimUrl, dir.token);
      const a = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Alpha' });
      const b = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Beta' });
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      const put = await scim('PUT', `/Groups/${b.body.id}`, { schemas: [GROUP_SCHEMA], id: b.body.id, displayName: 'alpha', members: [] });
      assert.equal(put.status, 409, put.text);
      assert.equal(put.body.scimType, 'uniqueness');
      const pathless = await scim('PATCH', `/Groups/${b.body.id}`, patch({ op: 'replace', value: { id: b.body.id, displayName: 'ALPHA' } }));
      assert.equal(pathless.status, 409, pathless.text);
      const withPath = await scim('PATCH', `/Groups/${b.body.id}`, patch({ op: 'replace', path: 'displayName', value: 'Alpha' }));
      assert.equal(withPath.status, 409, withPath.text);
      assert.equal((await scim('GET', `/Groups/${b.body.id}`)).body.displayName, 'Beta');
      // A group may change the case of its own name, and the freed name can be taken.
      assert.equal((await scim('PATCH', `/Groups/${a.body.id}`, patch({ op: 'replace', path: 'displayName', value: 'ALPHA' }))).status, 204);
      assert.equal((await scim('PATCH', `/Groups/${a.body.id}`, patch({ op: 'replace', path: 'displayName', value: 'Gamma' }))).status, 204);
      assert.equal((await scim('PATCH', `/Groups/${b.body.id}`, patch({ op: 'replace', path: 'displayName', value: 'alpha' }))).status, 204);
      const racers = await Promise.all(Array.from({ length: 5 }, () => scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Race' })));
      assert.deepEqual(racers.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
    });
  }

  it('the same name in two directories is fine (per-directory uniqueness)', async () => {
    for (const provider of ['entra', 'jumpcloud'] as const) {
      const dir = await env.createDirectory({ provider });
      const res = await scimClient(dir.scimUrl, dir.token)('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Shared Name' });
      assert.equal(res.status, 201, res.text);
    }
  });
});
