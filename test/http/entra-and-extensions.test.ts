import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { ENTERPRISE_SCHEMA, USER_SCHEMA, oktaGroup, patch } from '../support/okta-bodies';

const CUSTOM = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

describe('Entra shapes and extension attributes', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let id = '';

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory({ provider: 'entra' });
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('enterprise and unknown extension attributes round-trip losslessly', async () => {
    const body = {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA, CUSTOM],
      userName: 'ada@contoso.example',
      externalId: 'aad-0001',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
      emails: [{ type: 'work', value: 'ada@contoso.example', primary: true }],
      [ENTERPRISE_SCHEMA]: { employeeNumber: '701984', department: 'Engines', manager: { value: 'mgr-1', displayName: 'Babbage' } },
      [CUSTOM]: { badge: { level: 3, tags: ['a', 'b'], nested: { ok: true, n: null } } },
    };
    const created = await scim('POST', '/Users', body);
    assert.equal(created.status, 201, created.text);
    id = created.body.id;
    const got = await scim('GET', `/Users/${id}`);
    assert.deepEqual(got.body[ENTERPRISE_SCHEMA], body[ENTERPRISE_SCHEMA]);
    assert.deepEqual(got.body[CUSTOM], body[CUSTOM]);
    assert.ok(got.body.schemas.includes(CUSTOM));
  });

  it('filters by externalId and by an enterprise attribute', async () => {
    const byExt = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "aad-0001"')}`);
    assert.equal(byExt.body.totalResults, 1);
    const byEmp = await scim('GET', `/Users?filter=${encodeURIComponent(`${ENTERPRISE_SCHEMA}:employeeNumber eq "701984"`)}`);
    assert.equal(byEmp.body.totalResults, 1);
    const byMail = await scim('GET', `/Users?filter=${encodeURIComponent('emails[type eq "work" and value co "contoso"]')}`);
    assert.equal(byMail.body.totalResults, 1);
  });

  it("Entra's PATCH: capitalised ops, string booleans, several attributes, value-filter paths, extension paths", async () => {
    const res = await scim(
      'PATCH',
      `/Users/${id}`,
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada.l@contoso.example' },
        { op: 'Replace', path: 'name.givenName', value: 'Augusta' },
        { op: 'Add', value: { displayName: 'Augusta Ada', title: 'Countess' } },
        { op: 'Replace', path: `${ENTERPRISE_SCHEMA}:manager`, value: { value: 'mgr-2' } },
        { op: 'Replace', path: 'active', value: 'False' },
      ),
    );
    assert.equal(res.status, 200, res.text);
    const got = (await scim('GET', `/Users/${id}`)).body;
    assert.equal(got.emails[0].value, 'ada.l@contoso.example');
    assert.equal(got.name.givenName, 'Augusta');
    assert.equal(got.displayName, 'Augusta Ada');
    assert.equal(got.title, 'Countess');
    assert.equal(got[ENTERPRISE_SCHEMA].manager.value, 'mgr-2');
    assert.equal(got.active, false);
    assert.equal(got[ENTERPRISE_SCHEMA].employeeNumber, '701984', 'other extension attributes untouched');
  });

  it('attributes and excludedAttributes project the response', async () => {
    const only = (await scim('GET', `/Users/${id}?attributes=userName,name.givenName`)).body;
    assert.equal(only.userName, 'ada@contoso.example');
    assert.equal(only.name.givenName, 'Augusta');
    assert.equal(only.emails, undefined);
    assert.ok(only.id && only.schemas);
    const without = (await scim('GET', `/Users/${id}?excludedAttributes=emails`)).body;
    assert.equal(without.emails, undefined);
    assert.equal(without.userName, 'ada@contoso.example');
  });

  it('group lookup by displayName, excludedAttributes=members, and Entra member removal by value list', async () => {
    const g = await scim('POST', '/Groups', oktaGroup('Engineers', [id]));
    assert.equal(g.status, 201);
    const found = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "engineers"')}&excludedAttributes=members`);
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].members, undefined);
    const rm = await scim('PATCH', `/Groups/${g.body.id}`, patch({ op: 'Remove', path: 'members', value: [{ value: id }] }));
    assert.equal(rm.status, 204);
    const after = await scim('GET', `/Groups/${g.body.id}`);
    assert.deepEqual(after.body.members ?? [], []);
    const byMember = await scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${id}"]`)}`);
    assert.equal(byMember.body.totalResults, 0);
  });
});

describe('a full group read streams its members exactly like the object path renders them', () => {
  let env: TestEnv;
  let scim: ScimClient;

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('same members, order and $ref with and without projection; tricky names survive', async () => {
    const ids: string[] = [];
    for (const name of ['a"quote@example.com', 'b\\back@example.com', 'c]bracket@example.com', 'd€unicode@example.com']) {
      const r = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: name });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    const g = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'x"members":[] ]', members: ids.map((value) => ({ value })) });
    assert.equal(g.status, 201, g.text);
    const full = await scim('GET', `/Groups/${g.body.id}`);
    assert.equal(full.status, 200);
    const projected = await scim('GET', `/Groups/${g.body.id}?attributes=displayName,members`);
    assert.deepEqual(full.body.members, projected.body.members);
    assert.deepEqual(full.body.members.map((m: { value: string }) => m.value), [...ids].sort());
    const quoted = full.body.members.find((m: { value: string }) => m.value === ids[0]);
    assert.equal(quoted.display, 'a"quote@example.com');
    assert.match(quoted.$ref, new RegExp(`/Users/${ids[0]}$`));
    assert.equal(full.headers.get('etag'), full.body.meta.version);
    assert.match(full.headers.get('content-type') ?? '', /application\/scim\+json/);
    assert.equal(full.body.displayName, 'x"members":[] ]');
    assert.equal(full.body.meta.resourceType, 'Group');
    // Past many 1,000-member pages (seeded by SQL): every member once, in order.
    const dirRow = await env.db('groups').where({ id: g.body.id }).first('directory_id');
    await env.db.raw(
      `WITH u AS (INSERT INTO users (directory_id, user_name, doc) SELECT ?, 'bulk' || i || '@example.com', jsonb_build_object('userName', 'bulk' || i || '@example.com') FROM generate_series(1, 12000) i RETURNING id)
       INSERT INTO group_members (directory_id, group_id, user_id) SELECT ?, ?, id FROM u`,
      [dirRow.directory_id, dirRow.directory_id, g.body.id],
    );
    const big = await scim('GET', `/Groups/${g.body.id}`);
    const values = big.body.members.map((m: { value: string }) => m.value);
    assert.equal(values.length, 12004);
    assert.equal(new Set(values).size, 12004);
    assert.deepEqual(values, [...values].sort());
    const empty = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Empty' });
    assert.deepEqual((await scim('GET', `/Groups/${empty.body.id}`)).body.members, []);
  });
});
