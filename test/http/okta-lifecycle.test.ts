import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { ERROR_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, oktaUser } from '../support/okta-bodies';

describe('Okta lifecycle (docs/okta.md), through the queued path', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let janeId = '';
  let bobId = '';
  let groupId = '';

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('Test API Credentials: an empty directory lists as a full ListResponse', async () => {
    const res = await scim('GET', '/Users?startIndex=1&count=2');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/scim\+json/);
    assert.deepEqual(res.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('lookup miss is 200 with totalResults 0 (never 404)', async () => {
    const res = await scim('GET', '/Users?filter=userName%20eq%20%22jane%40example.com%22&startIndex=1&count=100');
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 0);
  });

  it('create answers 201 with the full resource and a Location; password never returned', async () => {
    const res = await scim('POST', '/Users', oktaUser('jane@example.com'));
    assert.equal(res.status, 201, res.text);
    janeId = res.body.id;
    assert.match(janeId, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('location'), `${env.baseUrl}/scim/v2/${res.body.meta.location.split('/scim/v2/')[1].split('/')[0]}/Users/${janeId}`);
    assert.equal(res.body.userName, 'jane@example.com');
    assert.equal(res.body.name.givenName, 'Jane');
    assert.equal(res.body.active, true);
    assert.equal(res.body.password, undefined);
    assert.equal(res.body.meta.resourceType, 'User');
    assert.match(res.body.meta.version, /^W\/"\d+"$/);
    assert.equal(res.headers.get('etag'), res.body.meta.version);
    const stored = await env.db('users').where({ id: janeId }).first();
    assert.equal(JSON.stringify(stored.doc).includes('placeholder'), false, 'password must not be stored');
  });

  it('duplicate userName is 409 uniqueness, also with different case', async () => {
    for (const name of ['jane@example.com', 'JANE@EXAMPLE.COM']) {
      const res = await scim('POST', '/Users', oktaUser(name));
      assert.equal(res.status, 409);
      assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
      assert.equal(res.body.scimType, 'uniqueness');
      assert.equal(res.body.status, '409');
    }
  });

  it('upper-cased userName lookup hits (caseExact false)', async () => {
    const res = await scim('GET', '/Users?filter=userName%20eq%20%22JANE%40EXAMPLE.COM%22&startIndex=1&count=100');
    assert.equal(res.status, 200);
    assert.equal(res.body.totalResults, 1);
    assert.equal(res.body.Resources[0].id, janeId);
  });

  it('older client encoding: spaces as +, a + inside the email as %2B', async () => {
    const created = await scim('POST', '/Users', oktaUser('bob+ops@example.com', 'Bob', 'Ray'));
    assert.equal(created.status, 201);
    bobId = created.body.id;
    const res = await scim('GET', '/Users?filter=userName+eq+%22bob%2Bops%40example.com%22&startIndex=1&count=100');
    assert.equal(res.body.totalResults, 1);
    assert.equal(res.body.Resources[0].id, bobId);
  });

  it('GET then PUT of the whole object (echoing id, schemas, odd meta) updates and is visible to the next GET', async () => {
    const got = await scim('GET', `/Users/${janeId}`);
    assert.equal(got.status, 200);
    const body = { ...got.body, name: { givenName: 'Janet', familyName: 'Doe' }, meta: { created: '04-12-2018 00:00:00', lastModified: '04-12-2018 00:00:00' }, password: 'placeholder' };
    const put = await scim('PUT', `/Users/${janeId}`, body);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.name.givenName, 'Janet');
    assert.notEqual(put.body.meta.version, got.body.meta.version);
    const again = await scim('GET', `/Users/${janeId}`);
    assert.equal(again.body.name.givenName, 'Janet');
    assert.notEqual(again.body.meta.created, '04-12-2018 00:00:00');
  });

  it('deactivate with a path-less replace; the user stays readable and findable; reactivate', async () => {
    const deact = await scim('PATCH', `/Users/${janeId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] });
    assert.ok(deact.status === 200 || deact.status === 204, deact.text);
    const read = await scim('GET', `/Users/${janeId}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.active, false);
    const found = await scim('GET', '/Users?filter=userName%20eq%20%22jane%40example.com%22&startIndex=1&count=100');
    assert.equal(found.body.totalResults, 1);
    assert.equal(found.body.Resources[0].active, false);
    const react = await scim('PATCH', `/Users/${janeId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: true } }] });
    assert.ok(react.status === 200 || react.status === 204);
    assert.equal((await scim('GET', `/Users/${janeId}`)).body.active, true);
  });

  it("Entra's periodic no-op active=true changes nothing (no version bump, no event)", async () => {
    const before = await scim('GET', `/Users/${janeId}`);
    const events = await env.db('events').where({ resource_id: janeId }).count<{ count: number }[]>({ count: '*' });
    const res = await scim('PATCH', `/Users/${janeId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.meta.version, before.body.meta.version);
    const eventsAfter = await env.db('events').where({ resource_id: janeId }).count<{ count: number }[]>({ count: '*' });
    assert.deepEqual(eventsAfter, events);
  });

  it('group push: lookup miss, create with members, rename with id, add/remove, replace, replace empty, delete', async () => {
    const miss = await scim('GET', '/Groups?filter=displayName%20eq%20%22Avengers%22&startIndex=1&count=100');
    assert.equal(miss.status, 200);
    assert.equal(miss.body.totalResults, 0);

    const created = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Avengers', members: [{ value: janeId, display: 'jane@example.com' }] });
    assert.equal(created.status, 201, created.text);
    groupId = created.body.id;
    assert.deepEqual(created.body.members.map((m: { value: string }) => m.value), [janeId]);

    const found = await scim('GET', '/Groups?filter=displayName%20eq%20%22Avengers%22&startIndex=1&count=100');
    assert.equal(found.body.totalResults, 1);

    const members = async () => ((await scim('GET', `/Groups/${groupId}`)).body.members ?? []).map((m: { value: string }) => m.value).sort();

    const rename = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Avengers Assemble' } }] });
    assert.ok(rename.status === 204 || rename.status === 200, rename.text);
    const renamed = await scim('GET', `/Groups/${groupId}`);
    assert.equal(renamed.body.displayName, 'Avengers Assemble');
    assert.deepEqual(await members(), [janeId], 'rename with id must not wipe members');

    const addRemove = await scim('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', value: { id: groupId, displayName: 'Avengers Assemble' } },
        { op: 'remove', path: `members[value eq "${janeId}"]` },
        { op: 'add', path: 'members', value: [{ value: bobId, display: 'bob+ops@example.com' }] },
      ],
    });
    assert.ok(addRemove.status === 204 || addRemove.status === 200, addRemove.text);
    assert.deepEqual(await members(), [bobId]);

    const again = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: bobId }] }, { op: 'remove', path: `members[value eq "${janeId}"]` }] });
    assert.ok(again.status === 204 || again.status === 200, 'adding an existing member and removing an absent one are not errors');
    assert.deepEqual(await members(), [bobId]);

    await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'members', value: [{ value: janeId }, { value: bobId }] }] });
    assert.deepEqual(await members(), [janeId, bobId].sort());

    await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'members', value: [] }] });
    assert.deepEqual(await members(), []);

    const entraRemove = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Add', path: 'members', value: [{ value: janeId }, { value: bobId }] }, { op: 'Remove', path: 'members', value: [{ value: janeId }] }] });
    assert.ok(entraRemove.status === 204 || entraRemove.status === 200, entraRemove.text);
    assert.deepEqual(await members(), [bobId]);

    const excluded = await scim('GET', `/Groups/${groupId}?excludedAttributes=members`);
    assert.equal(excluded.body.members, undefined);

    const del = await scim('DELETE', `/Groups/${groupId}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal((await scim('GET', `/Groups/${groupId}`)).status, 404);
    assert.equal((await scim('GET', `/Users/${bobId}`)).status, 200, 'member users stay');
  });

  it("Okta's error probes: non-token auth is 401, odd ids are 404, all SCIM error bodies", async () => {
    const unauth = await scim('GET', '/Users', undefined, { Authorization: 'non-token' });
    assert.equal(unauth.status, 401);
    assert.deepEqual(unauth.body.schemas, [ERROR_SCHEMA]);
    for (const [method, path] of [['GET', '/Users/010101001010101011001010101011'], ['GET', '/Groups/010101001010101011001010101011'], ['PUT', '/Users/010101001010101011001010101011'], ['PATCH', '/Users/00000000-0000-4000-8000-000000000000'], ['DELETE', '/Groups/010101001010101011001010101011']] as const) {
      const body = method === 'PUT' ? oktaUser('ghost@example.com') : method === 'PATCH' ? { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] } : undefined;
      const res = await scim(method, path, body);
      assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
      assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
      assert.equal(typeof res.body.detail, 'string');
    }
  });

  it('a PATCH with one invalid operation applies nothing', async () => {
    const before = await scim('GET', `/Users/${bobId}`);
    const res = await scim('PATCH', `/Users/${bobId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'remove', path: 'userName' }] });
    assert.equal(res.status, 400, res.text);
    const after = await scim('GET', `/Users/${bobId}`);
    assert.equal(after.body.displayName, before.body.displayName);
    assert.equal(after.body.meta.version, before.body.meta.version);
  });

  it('If-Match: a stale version is 412 and changes nothing; the current one applies', async () => {
    const cur = await scim('GET', `/Users/${bobId}`);
    const stale = await scim('PATCH', `/Users/${bobId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Stale' }] }, { 'If-Match': 'W/"999"' });
    assert.equal(stale.status, 412);
    const ok = await scim('PATCH', `/Users/${bobId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Fresh' }] }, { 'If-Match': cur.body.meta.version });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.displayName, 'Fresh');
  });

  it('events are written with each change in one per-directory sequence', async () => {
    // The outbox drainer numbers events a few ms after commit (docs/delivery.md).
    for (let i = 0; i < 100 && (await env.db('events').whereNull('seq').first('id')); i++) await new Promise((r) => setTimeout(r, 50));
    const rows = await env.db('events').orderBy('seq').select('seq', 'type');
    assert.deepEqual(rows.map((r) => r.seq), rows.map((_, i) => i + 1));
    const types = new Set(rows.map((r) => r.type));
    for (const t of ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'group.created', 'group.updated', 'group.user_added', 'group.user_removed', 'group.deleted']) assert.ok(types.has(t), `missing ${t}`);
  });
});
