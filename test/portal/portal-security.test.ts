import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { PortalClient, hiddenField } from './portal-client';
import { DirectoryStore } from '../../src/store/directory-store';
import { signLinkToken } from '../../src/portal-access/portal-link';
import { portalSecret } from '../../src/portal-access/portal-secret';

const NO_STACK = /\bat [\w.<>]+ \(|node_modules|Error:/;

describe('Admin Portal security: links, sessions, organization scope, CSRF, token shown once', () => {
  let env: TestEnv;
  let api: ReturnType<typeof adminClient>;

  const newOrg = async (name: string, enabled = true) => (await api('POST', '/organizations', { name, directorySyncEnabled: enabled })).body as { id: string };
  const link = async (orgId: string, body: object = {}) => (await api('POST', `/organizations/${orgId}/portal-links`, body)).body.url as string;
  const signedIn = async (orgId: string) => {
    const client = new PortalClient(env.baseUrl);
    const res = await client.open(await link(orgId));
    assert.equal(res.status, 303);
    return client;
  };
  const csrfOf = async (client: PortalClient) => hiddenField((await client.get('/portal/directory-sync')).text, '_csrf');

  before(async () => {
    // One trusted proxy hop, as behind Heroku's router: X-Forwarded-Proto is believed.
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, TRUST_PROXY: '1' } });
    api = adminClient(env.baseUrl, ADMIN_KEY);
  });
  after(async () => env.close());

  it('a link opens once; the session cookie is HttpOnly, SameSite=Lax, scoped to /portal; reuse is 410', async () => {
    const org = await newOrg('Link Co');
    const url = await link(org.id);
    const client = new PortalClient(env.baseUrl);
    const page = await client.get(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /Admin Portal for Link Co/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);

    const entered = await client.post('/portal/enter', { token: new URL(url).searchParams.get('token') ?? '' });
    assert.equal(entered.status, 303);
    assert.equal(entered.headers.get('location'), '/portal/directory-sync');
    const cookie = entered.headers.get('set-cookie') ?? '';
    assert.match(cookie, /httponly/i);
    assert.match(cookie, /samesite=lax/i);
    assert.match(cookie, /path=\/portal/i);
    assert.doesNotMatch(cookie, /secure/i, 'no Secure flag over plain HTTP');
    assert.equal((await client.get('/portal/directory-sync')).status, 200);

    const again = new PortalClient(env.baseUrl);
    const reused = await again.get(url);
    assert.equal(reused.status, 410);
    assert.match(reused.text, /already been used/);
    assert.equal((await again.post('/portal/enter', { token: new URL(url).searchParams.get('token') ?? '' })).status, 410);
    assert.equal(again.cookie, undefined);
  });

  it('behind an HTTPS router (X-Forwarded-Proto: https) the cookie is Secure', async () => {
    const org = await newOrg('Secure Co');
    const token = new URL(await link(org.id)).searchParams.get('token') ?? '';
    const client = new PortalClient(env.baseUrl);
    const res = await client.post('/portal/enter', { token }, { 'X-Forwarded-Proto': 'https' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('set-cookie') ?? '', /;\s*secure/i);
  });

  it('a tampered, forged, truncated or expired link gets a clear page (400/410), never a stack trace', async () => {
    const org = await newOrg('Tamper Co');
    const url = new URL(await link(org.id));
    const token = url.searchParams.get('token') ?? '';
    const [payload, sig] = token.split('.') as [string, string];
    const other = await newOrg('Other Co');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), o: other.id })).toString('base64url');
    const client = new PortalClient(env.baseUrl);
    for (const bad of [`${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`, `${forgedPayload}.${sig}`, payload, '', 'x'.repeat(5000), `${payload}.${signLinkToken('another-secret-another-secret-000', { linkId: 'a', organizationId: org.id, expiresAt: 9e9 }).split('.')[1]}`]) {
      const res = await client.get(`/portal/enter?token=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad.slice(0, 40));
      assert.match(res.text, /This link is not valid/);
      assert.doesNotMatch(res.text, NO_STACK);
      assert.equal((await client.post('/portal/enter', { token: bad })).status, 400);
    }
    assert.equal(client.cookie, undefined);

    const shortLived = await link(org.id, { expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1300));
    const expired = await client.get(shortLived);
    assert.equal(expired.status, 410);
    assert.match(expired.text, /expired/);
    assert.doesNotMatch(expired.text, NO_STACK);

    // A correctly signed link for a link id that was never issued.
    const secret = await portalSecret(env.config, env.db);
    const ghost = signLinkToken(secret, { linkId: '00000000-0000-4000-8000-000000000000', organizationId: org.id, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    assert.equal((await client.get(`/portal/enter?token=${ghost}`)).status, 400);
  });

  it('no session, an expired session or a forged cookie: 401 page', async () => {
    const anon = new PortalClient(env.baseUrl);
    const res = await anon.get('/portal/directory-sync');
    assert.equal(res.status, 401);
    assert.match(res.text, /session has ended/);
    anon.cookie = 'dirsync_portal=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    assert.equal((await anon.get('/portal/directory-sync')).status, 401);

    const org = await newOrg('Expiry Co');
    const client = await signedIn(org.id);
    assert.equal((await client.get('/portal/directory-sync')).status, 200);
    await env.db('portal_sessions').where({ organization_id: org.id }).update({ expires_at: env.db.raw(`now() - interval '1 second'`) });
    assert.equal((await client.get('/portal/directory-sync')).status, 401);
  });

  it("a session of organization A can neither read nor change organization B's directory (404)", async () => {
    const a = await newOrg('Org A');
    const b = await newOrg('Org B');
    const dirs = new DirectoryStore(env.db);
    const bDir = await dirs.create(b.id, 'okta');
    const client = await signedIn(a.id);
    const csrf = await csrfOf(client);
    for (const path of ['', '/users', '/groups', '/activity', '/groups/00000000-0000-4000-8000-000000000000']) {
      const res = await client.get(`/portal/directories/${bDir.directory.id}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(res.text, /Org B/);
    }
    for (const action of ['rotate', 'revoke', 'disable', 'enable', 'delete']) {
      const res = await client.post(`/portal/directories/${bDir.directory.id}/${action}`, { _csrf: csrf, _nonce: 'n'.repeat(24) });
      assert.equal(res.status, 404, action);
    }
    assert.equal((await dirs.find(bDir.directory.id))?.status, 'active');
    assert.equal((await dirs.listTokens(bDir.directory.id)).length, 1, 'no rotation happened');
    const scim = scimClient(`${env.baseUrl}/scim/v2/${bDir.directory.id}`, bDir.token);
    assert.equal((await scim('GET', '/Users?startIndex=1&count=1')).status, 200);
    assert.doesNotMatch((await client.get('/portal/directory-sync')).text, new RegExp(bDir.directory.id));
  });

  it('every state-changing action needs the CSRF token and a same-origin request (403 otherwise)', async () => {
    const org = await newOrg('Csrf Co');
    const dirs = new DirectoryStore(env.db);
    const { directory } = await dirs.create(org.id, 'okta');
    const client = await signedIn(org.id);
    const csrf = await csrfOf(client);
    const path = `/portal/directories/${directory.id}/disable`;
    const missing = await client.post(path, {});
    assert.equal(missing.status, 403);
    assert.match(missing.text, /refused/);
    assert.equal((await client.post(path, { _csrf: 'x'.repeat(43) })).status, 403);
    assert.equal((await client.post(path, { _csrf: csrf }, { Origin: 'https://evil.example' })).status, 403, 'foreign Origin');
    assert.equal((await client.post(path, { _csrf: csrf }, { Origin: 'null' })).status, 403, 'opaque Origin');
    assert.equal((await client.post(path, { _csrf: csrf }, { Origin: '', Referer: 'https://evil.example/page' })).status, 403, 'foreign Referer');
    assert.equal((await client.post('/portal/directories', { provider: 'okta', _nonce: 'n'.repeat(24) })).status, 403);
    assert.equal((await dirs.list(org.id)).length, 1);
    assert.equal((await dirs.find(directory.id))?.status, 'active');

    const ok = await client.post(path, { _csrf: csrf });
    assert.equal(ok.status, 303);
    assert.equal((await dirs.find(directory.id))?.status, 'disabled');
    assert.equal((await client.post(`/portal/directories/${directory.id}/enable`, { _csrf: csrf })).status, 303);
    assert.equal((await dirs.find(directory.id))?.status, 'active');
    // Header form for scripts.
    assert.equal((await client.request('POST', `/portal/directories/${directory.id}/revoke`, {}, { 'X-CSRF-Token': csrf })).status, 303);
  });

  it('Configure shows the token once; re-posting the form neither creates a second directory nor shows a token', async () => {
    const org = await newOrg('Once Co');
    const client = await signedIn(org.id);
    const setup = await client.get('/portal/directory-sync/setup/okta');
    assert.equal(setup.status, 200);
    const form = { _csrf: hiddenField(setup.text, '_csrf'), _nonce: hiddenField(setup.text, '_nonce'), provider: 'okta' };
    const created = await client.post('/portal/directories', form);
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const token = /id="scim-token"[^>]*>(dsk_[A-Za-z0-9_-]{43})</.exec(created.text)?.[1];
    assert.ok(token, 'the token is on the page');
    const dirId = /data-replace-url="\/portal\/directories\/([0-9a-f-]{36})\?notice=token-hidden"/.exec(created.text)?.[1] ?? '';
    assert.ok(dirId);

    const replay = await client.post('/portal/directories', form);
    assert.equal(replay.status, 303);
    assert.match(replay.headers.get('location') ?? '', /notice=already-configured/);
    assert.equal(replay.text.includes(token), false);
    assert.equal((await new DirectoryStore(env.db).list(org.id)).length, 1);

    const overview = await client.get(`/portal/directories/${dirId}?notice=token-hidden`);
    assert.equal(overview.status, 200);
    assert.equal(overview.text.includes(token), false);
    assert.match(overview.text, /cannot be shown again/);
    const stored = JSON.stringify(await env.db('portal_sessions').where({ organization_id: org.id }));
    assert.equal(stored.includes(token), false, 'never in the session');

    // Rotate: new token once, replay shows none, old token works until revoked.
    const rotateNonce = hiddenField(overview.text, '_nonce');
    const rotated = await client.post(`/portal/directories/${dirId}/rotate`, { _csrf: form._csrf, _nonce: rotateNonce });
    assert.equal(rotated.status, 200);
    const newToken = /id="scim-token"[^>]*>(dsk_[A-Za-z0-9_-]{43})</.exec(rotated.text)?.[1];
    assert.ok(newToken && newToken !== token);
    const replayRotate = await client.post(`/portal/directories/${dirId}/rotate`, { _csrf: form._csrf, _nonce: rotateNonce });
    assert.equal(replayRotate.status, 303);
    assert.equal((await new DirectoryStore(env.db).listTokens(dirId)).length, 2, 'the replay did not rotate again');
    const oldScim = scimClient(`${env.baseUrl}/scim/v2/${dirId}`, token);
    assert.equal((await oldScim('GET', '/Users?startIndex=1&count=1')).status, 200, 'grace period');
    assert.equal((await client.post(`/portal/directories/${dirId}/revoke`, { _csrf: form._csrf })).status, 303);
    assert.equal((await oldScim('GET', '/Users?startIndex=1&count=1')).status, 401);
    assert.equal((await scimClient(`${env.baseUrl}/scim/v2/${dirId}`, newToken)('GET', '/Users?startIndex=1&count=1')).status, 200);

    // Delete.
    assert.equal((await client.post(`/portal/directories/${dirId}/delete`, { _csrf: form._csrf })).status, 303);
    assert.equal(await new DirectoryStore(env.db).find(dirId), undefined);
    assert.equal((await client.get(`/portal/directories/${dirId}`)).status, 404);
  });

  it('with Directory Sync off the tab shows only the note, and nothing can be configured', async () => {
    const org = await newOrg('Off Co', false);
    const client = await signedIn(org.id);
    const page = await client.get('/portal/directory-sync');
    assert.equal(page.status, 200);
    assert.match(page.text, /Directory Sync is not enabled/);
    assert.match(page.text, /app owner must enable it/);
    assert.doesNotMatch(page.text, /Okta|Configure|provider-card/);
    const csrf = hiddenField(page.text, '_csrf');
    assert.equal((await client.post('/portal/directories', { _csrf: csrf, _nonce: 'n'.repeat(24), provider: 'okta' })).status, 403);
    assert.equal((await new DirectoryStore(env.db).list(org.id)).length, 0);
  });

  it('sign-out ends the session', async () => {
    const org = await newOrg('Bye Co');
    const client = await signedIn(org.id);
    const csrf = await csrfOf(client);
    const stolen = client.cookie;
    assert.equal((await client.post('/portal/logout', {})).status, 403, 'sign-out needs the CSRF token');
    assert.equal((await client.post('/portal/logout', { _csrf: csrf })).status, 200);
    const replayed = new PortalClient(env.baseUrl);
    replayed.cookie = stolen;
    assert.equal((await replayed.get('/portal/directory-sync')).status, 401);
  });
});
