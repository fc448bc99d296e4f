import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA } from '../support/okta-bodies';
import {
  oneLoginCreate,
  oneLoginFilterAdd,
  oneLoginGroup,
  oneLoginLegacyTemplate,
  oneLoginLookup,
  oneLoginMemberAdd,
  oneLoginMemberRemove,
  oneLoginUpdate,
  oneLoginWithNulls,
  type OneLoginPerson,
} from '../support/providers/onelogin-shapes';

/** Replays OneLogin's SCIM v2 Enterprise traffic (sources in test/support/providers/onelogin-shapes.ts) on a `onelogin` directory. */
describe('OneLogin request shapes', () => {
  let env: TestEnv;
  let scim: ScimClient;
  const ada: OneLoginPerson = { userName: 'ada@acme.example', first: 'Ada', last: 'Lovelace', email: 'ada@acme.example', active: true, department: 'Engines' };
  let adaId = '';
  let bossId = '';
  let groupId = '';

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory({ provider: 'onelogin' });
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('lookup finds nothing, then create from the v2 Enterprise template: blanks are no value, "true" is true', async () => {
    const none = await scim('GET', oneLoginLookup(ada.userName));
    assert.equal(none.status, 200);
    assert.equal(none.body.totalResults, 0);
    const created = await scim('POST', '/Users', oneLoginCreate(ada));
    assert.equal(created.status, 201, created.text);
    adaId = created.body.id;
    const got = (await scim('GET', `/Users/${adaId}`)).body;
    assert.equal(got.active, true);
    assert.equal(got.title, undefined, 'an unset template parameter is not stored as ""');
    assert.deepEqual(got[ENTERPRISE_SCHEMA], { department: 'Engines' }, 'no blank organization, no empty manager');
    assert.equal(got.emails[0].value, 'ada@acme.example');
    const found = await scim('GET', oneLoginLookup('ADA@acme.example'));
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, adaId);
  });

  it('update is a PUT with the non-RFC schema URNs and manager.managerId; the manager is stored as {value, displayName}', async () => {
    const boss = await scim('POST', '/Users', oneLoginCreate({ userName: 'boss@acme.example', first: 'Charles', last: 'Babbage', email: 'boss@acme.example', active: true }));
    assert.equal(boss.status, 201, boss.text);
    bossId = boss.body.id;
    const put = await scim('PUT', `/Users/${adaId}`, oneLoginUpdate({ ...ada, title: 'Countess', managerId: bossId, manager: { first: 'Charles', last: 'Babbage' } }));
    assert.equal(put.status, 200, put.text);
    const got = (await scim('GET', `/Users/${adaId}`)).body;
    assert.ok(got.schemas.includes('urn:ietf:params:scim:schemas:core:2.0:User'));
    assert.ok(!got.schemas.some((s: string) => s.startsWith('urn:scim:')), 'only RFC URNs are stored');
    assert.equal(got.title, 'Countess');
    assert.deepEqual(got[ENTERPRISE_SCHEMA].manager, { value: bossId, displayName: 'Charles Babbage' });
    // The manager leaves: the template renders managerId "" and displayName " ": the manager is cleared.
    const cleared = await scim('PUT', `/Users/${adaId}`, oneLoginUpdate({ ...ada, title: 'Countess' }));
    assert.equal(cleared.status, 200, cleared.text);
    const after = (await scim('GET', `/Users/${adaId}`)).body;
    assert.equal(after[ENTERPRISE_SCHEMA].manager, undefined);
    assert.equal(after[ENTERPRISE_SCHEMA].department, 'Engines');
  });

  it('OneLogin\'s documented SCIM 1.1-style template (emails as one object) and explicit nulls are accepted', async () => {
    const legacy = await scim('POST', '/Users', oneLoginLegacyTemplate({ userName: 'grace@acme.example', first: 'Grace', last: 'Hopper', email: 'grace@acme.example', active: true, department: 'Navy', managerId: bossId }));
    assert.equal(legacy.status, 201, legacy.text);
    assert.deepEqual(legacy.body.emails, [{ value: 'grace@acme.example', type: 'work', primary: true }]);
    assert.deepEqual(legacy.body[ENTERPRISE_SCHEMA], { department: 'Navy', manager: { value: bossId } });
    const nulls = await scim('POST', '/Users', oneLoginWithNulls('nul@acme.example'));
    assert.equal(nulls.status, 201, nulls.text);
    assert.equal(nulls.body.nickName, undefined);
    assert.deepEqual(nulls.body.name, { givenName: 'Nul', familyName: 'Fields' });
  });

  it('deactivate and reactivate by PUT with active "false" / "true"', async () => {
    const off = await scim('PUT', `/Users/${adaId}`, oneLoginUpdate({ ...ada, active: false }));
    assert.equal(off.status, 200, off.text);
    assert.equal((await scim('GET', `/Users/${adaId}`)).body.active, false);
    const on = await scim('PUT', `/Users/${adaId}`, oneLoginUpdate(ada));
    assert.equal(on.status, 200);
    assert.equal(on.body.active, true);
  });

  it('group push: entitlements read, create, member add (RFC and filter-path forms), member remove, duplicate name refused', async () => {
    const list = await scim('GET', '/Groups?startIndex=1&count=100');
    assert.equal(list.status, 200);
    const g = await scim('POST', '/Groups', oneLoginGroup('Analysts'));
    assert.equal(g.status, 201, g.text);
    groupId = g.body.id;
    assert.equal(Buffer.byteLength(JSON.stringify(oneLoginMemberAdd(adaId))), 165, 'the captured size of a one-member add');
    assert.equal((await scim('PATCH', `/Groups/${groupId}`, oneLoginMemberAdd(adaId))).status, 204);
    assert.equal((await scim('PATCH', `/Groups/${groupId}`, oneLoginFilterAdd(bossId))).status, 204);
    const members = (await scim('GET', `/Groups/${groupId}`)).body.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, [adaId, bossId].sort());
    assert.equal((await scim('PATCH', `/Groups/${groupId}`, oneLoginMemberRemove(adaId))).status, 204);
    assert.deepEqual((await scim('GET', `/Groups/${groupId}`)).body.members.map((m: { value: string }) => m.value), [bossId]);
    const dup = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'analysts' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.scimType, 'uniqueness');
  });

  it('DELETE removes the user and its memberships', async () => {
    assert.equal((await scim('DELETE', `/Users/${bossId}`)).status, 204);
    assert.equal((await scim('GET', `/Users/${bossId}`)).status, 404);
    assert.deepEqual((await scim('GET', `/Groups/${groupId}`)).body.members, []);
  });
});

describe('blank strings are kept as sent for providers other than OneLogin', () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv();
  });
  after(async () => env.close());

  it('okta: title "" is stored', async () => {
    const dir = await env.createDirectory({ provider: 'okta' });
    const scim = scimClient(dir.scimUrl, dir.token);
    const res = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'blank@example.com', title: '' });
    assert.equal(res.status, 201, res.text);
    assert.equal((await scim('GET', `/Users/${res.body.id}`)).body.title, '');
  });
});
