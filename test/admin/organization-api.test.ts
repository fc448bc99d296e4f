import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { ADMIN_KEY, adminClient } from './admin-client';
import { DirectoryStore } from '../../src/store/directory-store';

describe('Admin API: organizations, Directory Sync, directories, portal links', () => {
  let env: TestEnv;
  let api: ReturnType<typeof adminClient>;

  before(async () => {
    env = await createTestEnv({ workers: true, env: { ADMIN_API_KEY: ADMIN_KEY } });
    api = adminClient(env.baseUrl, ADMIN_KEY);
  });
  after(async () => env.close());

  it('refuses a missing or wrong key with a JSON 401 (every endpoint, unknown ones included)', async () => {
    for (const [method, path] of [['GET', '/organizations'], ['POST', '/organizations'], ['POST', '/organizations/00000000-0000-4000-8000-000000000000/portal-links'], ['GET', '/nope']] as const) {
      for (const client of [adminClient(env.baseUrl, undefined), adminClient(env.baseUrl, 'wrong-key-wrong-key-wrong-key'), adminClient(env.baseUrl, `${ADMIN_KEY}x`)]) {
        const res = await client(method, path, method === 'POST' ? { name: 'Sneaky' } : undefined);
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.error.code, 'unauthorized');
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    }
    assert.equal((await env.db('organizations').where({ name: 'Sneaky' })).length, 0);
  });

  it('creates, lists, gets, updates and deletes organizations', async () => {
    const created = await api('POST', '/organizations', { name: 'Globex' });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Globex');
    assert.equal(created.body.directorySyncEnabled, false);
    assert.equal(created.headers.get('location'), `/api/v1/organizations/${created.body.id}`);
    const id = created.body.id as string;

    assert.equal((await api('POST', '/organizations', { name: 'GLOBEX' })).status, 409, 'names are unique, case-insensitive');
    const bad = await api('POST', '/organizations', { name: '' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_request');
    assert.equal((await api('POST', '/organizations', { name: 'X', extra: 1 })).status, 400, 'unknown fields are refused');

    const list = await api('GET', '/organizations');
    assert.equal(list.status, 200);
    assert.ok(list.body.data.some((o: { id: string }) => o.id === id));
    assert.equal((await api('GET', `/organizations/${id}`)).body.name, 'Globex');
    assert.equal((await api('GET', '/organizations/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await api('GET', '/organizations/not-a-uuid')).status, 404);

    const renamed = await api('PATCH', `/organizations/${id}`, { name: 'Globex Corp', directorySyncEnabled: true });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Globex Corp');
    assert.equal(renamed.body.directorySyncEnabled, true);
    await api('POST', '/organizations', { name: 'Initech' });
    assert.equal((await api('PATCH', `/organizations/${id}`, { name: 'initech' })).status, 409);

    assert.equal((await api('DELETE', `/organizations/${id}`)).status, 204);
    assert.equal((await api('GET', `/organizations/${id}`)).status, 404);
    assert.equal((await api('DELETE', `/organizations/${id}`)).status, 404);
  });

  it('enables and disables Directory Sync, and SCIM follows the switch', async () => {
    const org = (await api('POST', '/organizations', { name: 'Umbrella' })).body;
    const { directory, token } = await new DirectoryStore(env.db).create(org.id, 'okta');
    const scim = scimClient(`${env.baseUrl}/scim/v2/${directory.id}`, token);
    assert.equal((await scim('GET', '/Users?startIndex=1&count=2')).status, 401, 'off by default');

    const on = await api('POST', `/organizations/${org.id}/directory-sync/enable`);
    assert.equal(on.status, 200);
    assert.equal(on.body.directorySyncEnabled, true);
    assert.equal((await scim('GET', '/Users?startIndex=1&count=2')).status, 200);

    const off = await api('POST', `/organizations/${org.id}/directory-sync/disable`);
    assert.equal(off.body.directorySyncEnabled, false);
    assert.equal((await scim('GET', '/Users?startIndex=1&count=2')).status, 401);
    assert.equal((await api('POST', '/organizations/00000000-0000-4000-8000-000000000000/directory-sync/enable')).status, 404);
  });

  it("lists an organization's directories with status, SCIM URL and counts", async () => {
    const org = (await api('POST', '/organizations', { name: 'Hooli', directorySyncEnabled: true })).body;
    const dirs = new DirectoryStore(env.db);
    const okta = await dirs.create(org.id, 'okta');
    await dirs.create(org.id, 'entra');
    await dirs.setStatus(okta.directory.id, 'disabled');
    const other = (await api('POST', '/organizations', { name: 'Pied Piper' })).body;
    await dirs.create(other.id, 'okta');

    const res = await api('GET', `/organizations/${org.id}/directories`);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 2, "only this organization's directories");
    const o = res.body.data.find((d: { provider: string }) => d.provider === 'okta');
    assert.equal(o.status, 'disabled');
    assert.equal(o.scimBaseUrl, `${env.baseUrl}/scim/v2/${okta.directory.id}`);
    assert.equal(o.userCount, 0);
    assert.equal(o.lastRequestAt, null);
    assert.equal(JSON.stringify(res.body).includes(okta.token), false, 'never a token');
  });

  it('creates a signed, expiring portal link for one organization', async () => {
    const org = (await api('POST', '/organizations', { name: 'Stark', directorySyncEnabled: true })).body;
    const before = Date.now();
    const link = await api('POST', `/organizations/${org.id}/portal-links`, {});
    assert.equal(link.status, 201);
    assert.match(link.body.url, new RegExp(`^${env.baseUrl}/portal/enter\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    const ttl = (Date.parse(link.body.expiresAt) - before) / 1000;
    assert.ok(ttl > 880 && ttl <= 901, `default expiry is PORTAL_LINK_TTL_SECONDS (900 s), got ${ttl}`);
    const short = await api('POST', `/organizations/${org.id}/portal-links`, { expiresInSeconds: 120 });
    assert.ok((Date.parse(short.body.expiresAt) - Date.now()) / 1000 <= 121);
    assert.equal((await env.db('portal_links').where({ organization_id: org.id })).length, 2);
    assert.equal((await api('POST', `/organizations/${org.id}/portal-links`, { expiresInSeconds: 0 })).status, 400);
    assert.equal((await api('POST', `/organizations/${org.id}/portal-links`, { expiresInSeconds: 'soon' })).status, 400);
    assert.equal((await api('POST', '/organizations/00000000-0000-4000-8000-000000000000/portal-links', {})).status, 404);
  });
});
