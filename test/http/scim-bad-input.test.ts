import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { ERROR_SCHEMA, oktaUser, patch } from '../support/okta-bodies';

describe('bad input (G7): a SCIM error with the right status, never a 5xx, never a partial write', () => {
  let env: TestEnv;
  let scim: ScimClient;
  let url = '';
  let token = '';
  let userId = '';

  before(async () => {
    env = await createTestEnv({ env: { SCIM_MAX_BODY_BYTES: '4096', SCIM_MAX_JSON_DEPTH: '8', SCIM_MAX_RESULTS: '50' } });
    const dir = await env.createDirectory();
    url = dir.scimUrl;
    token = dir.token;
    scim = scimClient(url, token);
    userId = (await scim('POST', '/Users', oktaUser('keep@example.com'))).body.id;
  });
  after(async () => env.close());

  const raw = (method: string, path: string, body: string | Buffer, contentType = 'application/scim+json') =>
    fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType }, body }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) }));

  const cases: [string, () => Promise<{ status: number; body: any }>, number, string?][] = [
    ['body over the limit → 413', () => raw('POST', '/Users', JSON.stringify({ ...oktaUser('big@example.com'), title: 'x'.repeat(10_000) })), 413],
    ['malformed JSON → 400 invalidSyntax', () => raw('POST', '/Users', '{"schemas": ['), 400, 'invalidSyntax'],
    ['invalid UTF-8 → 400 invalidSyntax', () => raw('POST', '/Users', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), 400, 'invalidSyntax'],
    ['JSON nested too deep → 400', () => raw('POST', '/Users', JSON.stringify({ ...oktaUser('deep@example.com'), x: JSON.parse('['.repeat(20) + ']'.repeat(20)) })), 400],
    ['a JSON array body → 400', () => raw('POST', '/Users', '[]'), 400],
    ['empty body on POST → 400', () => raw('POST', '/Users', ''), 400],
    ['wrong schemas → 400', () => scim('POST', '/Users', { ...oktaUser('w@example.com'), schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] }), 400],
    ['missing userName → 400', () => scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }), 400],
    ['userName of the wrong type → 400', () => scim('POST', '/Users', { ...oktaUser('t@example.com'), userName: 42 }), 400],
    ['PATCH without PatchOp schema → 400', () => scim('PATCH', `/Users/${userId}`, { Operations: [{ op: 'replace', value: { active: false } }] }), 400],
    ['PATCH with empty Operations (Entra validator) → 400', () => scim('PATCH', `/Users/${userId}`, patch()), 400],
    ['PATCH with an unknown op → 400', () => scim('PATCH', `/Users/${userId}`, patch({ op: 'merge', value: { active: false } })), 400],
    ['PATCH with an invalid path → 400', () => scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'emails[type eq', value: 'x' })), 400],
    ['invalid filter → 400 invalidFilter', () => scim('GET', '/Users?filter=userName%20xx%20%22a%22'), 400, 'invalidFilter'],
    ['unknown attribute in filter → 400 invalidFilter', () => scim('GET', '/Users?filter=nosuchattr%20eq%20%22a%22'), 400, 'invalidFilter'],
    ['SQL in a filter is a value, not SQL → 200 and no rows', () => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "x' OR 1=1 --"`)}`), 200],
    ['non-integer count → 400', () => scim('GET', '/Users?count=ten'), 400],
    ['unknown id → 404', () => scim('GET', '/Users/5b0a4a0e-9f0e-4c1f-8a7b-2e3d4c5b6a70'), 404],
    ['path traversal in an id → 404', () => scim('GET', '/Users/..%2F..%2Fetc%2Fpasswd'), 404],
    ['unknown endpoint → 404', () => scim('GET', '/Bulk'), 404],
  ];

  for (const [name, send, status, scimType] of cases) {
    it(name, async () => {
      const before = await env.db('users').count<{ c: number }[]>({ c: '*' });
      const res = await send();
      assert.equal(res.status, status, JSON.stringify(res.body));
      if (status >= 400) {
        assert.deepEqual(res.body?.schemas, [ERROR_SCHEMA]);
        assert.equal(res.body.status, String(status));
        assert.equal(typeof res.body.detail, 'string');
        if (scimType) assert.equal(res.body.scimType, scimType);
      } else {
        assert.equal(res.body.totalResults, 0);
      }
      assert.deepEqual(await env.db('users').count<{ c: number }[]>({ c: '*' }), before, 'no partial write');
    });
  }

  it('count is capped at filter.maxResults, which ServiceProviderConfig advertises', async () => {
    for (let i = 0; i < 3; i++) await scim('POST', '/Users', oktaUser(`cap${i}@example.com`));
    const spc = await scim('GET', '/ServiceProviderConfig');
    assert.equal(spc.body.filter.maxResults, 50);
    assert.equal(spc.body.bulk.supported, false);
    assert.equal(spc.body.patch.supported, true);
    assert.equal(spc.body.etag.supported, true);
    const res = await scim('GET', '/Users?count=100000');
    assert.equal(res.status, 200);
    assert.ok(res.body.itemsPerPage <= 50);
  });

  it('DELETE carrying a Content-Type and no body is accepted', async () => {
    const created = await scim('POST', '/Users', oktaUser('gone@example.com'));
    const del = await scim('DELETE', `/Users/${created.body.id}`);
    assert.equal(del.status, 204);
    assert.equal((await scim('GET', `/Users/${created.body.id}`)).status, 404);
  });

  it('application/json is accepted like application/scim+json (Okta spec test)', async () => {
    const res = await scim('POST', '/Users', oktaUser('json@example.com'), { 'Content-Type': 'application/json' });
    assert.equal(res.status, 201);
  });

  it('discovery endpoints are served with SCIM bodies', async () => {
    const types = await scim('GET', '/ResourceTypes');
    assert.equal(types.status, 200);
    assert.deepEqual(types.body.Resources.map((r: { name: string }) => r.name).sort(), ['Group', 'User']);
    const schemas = await scim('GET', '/Schemas');
    assert.ok(schemas.body.Resources.some((s: { id: string }) => s.id === 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'));
    const user = await scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    assert.equal(user.status, 200);
    const userName = user.body.attributes.find((a: { name: string }) => a.name === 'userName');
    assert.equal(userName.caseExact, false);
    assert.equal(userName.uniqueness, 'server');
  });
});
