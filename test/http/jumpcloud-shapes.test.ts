import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import {
  jumpCloudDeactivate,
  jumpCloudGroup,
  jumpCloudGroupLookup,
  jumpCloudMembers,
  jumpCloudRename,
  jumpCloudUser,
  jumpCloudUserLookup,
} from '../support/providers/jumpcloud-shapes';

/** Replays JumpCloud's SCIM connector traffic (sources in test/support/providers/jumpcloud-shapes.ts) on a `jumpcloud` directory. */
describe('JumpCloud request shapes', () => {
  let env: TestEnv;
  let scim: ScimClient;
  const ids: Record<string, string> = {};

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory({ provider: 'jumpcloud' });
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('activation test: a test user and a test group are created, then deleted', async () => {
    const user = await scim('POST', '/Users', jumpCloudUser('jc-test-user@acme.example', 'Test', 'User'));
    assert.equal(user.status, 201, user.text);
    const group = await scim('POST', '/Groups', jumpCloudGroup('JumpCloud Test Group', [user.body.id]));
    assert.equal(group.status, 201, group.text);
    assert.equal((await scim('DELETE', `/Groups/${group.body.id}`)).status, 204);
    assert.equal((await scim('DELETE', `/Users/${user.body.id}`)).status, 204);
    assert.equal((await scim('GET', jumpCloudUserLookup('jc-test-user@acme.example'))).body.totalResults, 0);
  });

  it('lookup, create, update (PUT) of users', async () => {
    for (const [key, first] of [['ann', 'Ann'], ['bob', 'Bob'], ['cy', 'Cy']] as const) {
      const userName = `${key}@acme.example`;
      assert.equal((await scim('GET', jumpCloudUserLookup(userName))).body.totalResults, 0);
      const res = await scim('POST', '/Users', jumpCloudUser(userName, first, 'Smith'));
      assert.equal(res.status, 201, res.text);
      ids[key] = res.body.id;
    }
    const put = await scim('PUT', `/Users/${ids['ann']}`, jumpCloudUser('ann@acme.example', 'Anne', 'Smith-Jones'));
    assert.equal(put.status, 200, put.text);
    const got = (await scim('GET', jumpCloudUserLookup('ann@acme.example'))).body.Resources[0];
    assert.deepEqual(got.name, { givenName: 'Anne', familyName: 'Smith-Jones' });
    assert.equal(got.displayName, 'Anne Smith-Jones');
  });

  it('group push: lookup by name, create with members, member add and remove (value arrays), rename', async () => {
    assert.equal((await scim('GET', jumpCloudGroupLookup('Sales'))).body.totalResults, 0);
    const g = await scim('POST', '/Groups', jumpCloudGroup('Sales', [ids['ann'] as string]));
    assert.equal(g.status, 201, g.text);
    ids['sales'] = g.body.id;
    assert.equal((await scim('PATCH', `/Groups/${ids['sales']}`, jumpCloudMembers('add', [ids['bob'] as string, ids['cy'] as string]))).status, 204);
    assert.equal((await scim('PATCH', `/Groups/${ids['sales']}`, jumpCloudMembers('remove', [ids['ann'] as string]))).status, 204);
    const members = (await scim('GET', `/Groups/${ids['sales']}`)).body.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, [ids['bob'], ids['cy']].sort());
    assert.equal((await scim('PATCH', `/Groups/${ids['sales']}`, jumpCloudRename('Sales EMEA'))).status, 204);
    const found = await scim('GET', jumpCloudGroupLookup('sales emea'));
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].id, ids['sales']);
  });

  it('takeover by name: the lookup finds the one existing group; a second create with that name is 409', async () => {
    const again = await scim('POST', '/Groups', jumpCloudGroup('SALES EMEA', [ids['ann'] as string]));
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.scimType, 'uniqueness');
    const found = await scim('GET', jumpCloudGroupLookup('Sales EMEA'));
    assert.equal(found.body.totalResults, 1);
  });

  it('deactivate by PATCH active=false and by PUT active=false; group delete keeps the users', async () => {
    const patched = await scim('PATCH', `/Users/${ids['bob']}`, jumpCloudDeactivate());
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.active, false);
    const put = await scim('PUT', `/Users/${ids['cy']}`, jumpCloudUser('cy@acme.example', 'Cy', 'Smith', false));
    assert.equal(put.status, 200, put.text);
    assert.equal((await scim('GET', `/Users/${ids['cy']}`)).body.active, false);
    assert.equal((await scim('DELETE', `/Groups/${ids['sales']}`)).status, 204);
    assert.equal((await scim('GET', `/Users/${ids['bob']}`)).status, 200);
  });
});
