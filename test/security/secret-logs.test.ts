/**
 * Issue 6 requirement 5: logs contain no token, password or webhook secret. A
 * representative flow runs with every runtime logging at level debug into a file
 * (TEST_LOG_FILE, test/support/test-env.ts), then the file is searched for every
 * credential value the flow used. `TEST_LOG_FILE=… npm test` does the same for the
 * whole suite (docs/security.md).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser, patch, USER_SCHEMA } from '../support/okta-bodies';
import { adminClient } from '../admin/admin-client';
import { PortalClient, hiddenField } from '../portal/portal-client';
import { WebhookReceiver, allDelivered, waitFor } from '../delivery/delivery-helpers';

const ADMIN_KEY = `admin-${randomBytes(12).toString('hex')}`;

describe('security: no credential in the logs', () => {
  let env: TestEnv;
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dirsync-seclog-')), 'test.log');
  const receiver = new WebhookReceiver();
  const secrets = new Map<string, string>();
  const previous = process.env['TEST_LOG_FILE'];

  before(async () => {
    process.env['TEST_LOG_FILE'] = logFile;
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '500' } });
    secrets.set('admin key', ADMIN_KEY);
  });
  after(async () => {
    await receiver.close();
    if (previous === undefined) delete process.env['TEST_LOG_FILE'];
    else process.env['TEST_LOG_FILE'] = previous;
  });

  it('a full flow logged at debug leaves no token, password, webhook secret or portal link in the log', async () => {
    const api = adminClient(env.baseUrl, ADMIN_KEY);
    const org = (await api('POST', '/organizations', { name: 'Secret Co', directorySyncEnabled: true })).body as { id: string };

    // Portal: a signed link, Configure (token shown once), then a rotation (a second token).
    const link = (await api('POST', `/organizations/${org.id}/portal-links`, {})).body.url as string;
    secrets.set('portal link token', new URL(link).searchParams.get('token') ?? 'missing');
    const portal = new PortalClient(env.baseUrl);
    assert.equal((await portal.open(link)).status, 303);
    secrets.set('portal session cookie', (portal.cookie ?? 'missing').split('=')[1] ?? 'missing');
    const setup = await portal.get('/portal/directory-sync/setup/okta');
    const csrf = hiddenField(setup.text, '_csrf');
    secrets.set('portal CSRF token', csrf);
    const created = await portal.post('/portal/directories', { _csrf: csrf, _nonce: hiddenField(setup.text, '_nonce'), provider: 'okta' });
    const firstToken = /id="scim-token"[^>]*>(dsk_[A-Za-z0-9_-]{43})</.exec(created.text)?.[1] ?? '';
    const dirId = /\/portal\/directories\/([0-9a-f-]{36})/.exec(created.text)?.[1] ?? '';
    assert.ok(firstToken && dirId, 'Configure showed a token');
    secrets.set('first SCIM token', firstToken);
    const overview = await portal.get(`/portal/directories/${dirId}`);
    const rotated = await portal.post(`/portal/directories/${dirId}/rotate`, { _csrf: csrf, _nonce: hiddenField(overview.text, '_nonce') });
    const token = /id="scim-token"[^>]*>(dsk_[A-Za-z0-9_-]{43})</.exec(rotated.text)?.[1] ?? '';
    assert.ok(token && token !== firstToken, 'rotation showed a new token');
    secrets.set('rotated SCIM token', token);

    // A webhook: its secret is returned once.
    const url = await receiver.start();
    const sink = await api('POST', `/organizations/${org.id}/sinks`, { url, name: 'secret app' });
    assert.equal(sink.status, 201);
    receiver.secret = sink.body.secret as string;
    secrets.set('webhook secret', receiver.secret);
    secrets.set('webhook key', receiver.secret.replace(/^whsec_/, ''));

    // Okta: create with a password, PUT with a password, PATCH with a password path and in a path-less value.
    const scim = scimClient(`${env.baseUrl}/scim/v2/${dirId}`, token);
    const passwords = ['Create-Pass-', 'Put-Pass-', 'Patch-Path-Pass-', 'Patch-Value-Pass-'].map((p) => `${p}${randomBytes(8).toString('hex')}!`);
    passwords.forEach((p, i) => secrets.set(`password ${i + 1}`, p));
    const user = await scim('POST', '/Users', { ...oktaUser('secret.user@example.com'), password: passwords[0] });
    assert.equal(user.status, 201, user.text);
    const id = user.body.id as string;
    const put = await scim('PUT', `/Users/${id}`, { ...oktaUser('secret.user@example.com', 'Jane', 'Renamed'), schemas: [USER_SCHEMA], id, password: passwords[1] });
    assert.equal(put.status, 200, put.text);
    for (const body of [patch({ op: 'replace', path: 'password', value: passwords[2] }), patch({ op: 'replace', value: { password: passwords[3], displayName: 'Jane R.' } })]) {
      const res = await scim('PATCH', `/Users/${id}`, body);
      assert.ok(res.status === 200 || res.status === 204, `PATCH: ${res.status} ${res.text}`);
    }
    // A failed request still logs: a wrong token, and a body the validator rejects with a password in it.
    const guess = `dsk_${randomBytes(32).toString('base64url')}`;
    secrets.set('guessed token', guess);
    assert.equal((await scimClient(`${env.baseUrl}/scim/v2/${dirId}`, guess)('GET', '/Users')).status, 401);
    const badPassword = `Bad-Body-Pass-${randomBytes(6).toString('hex')}`;
    secrets.set('password in a rejected body', badPassword);
    assert.equal((await scim('POST', '/Users', { schemas: [USER_SCHEMA], password: badPassword })).status, 400);

    await waitFor('webhook deliveries', () => allDelivered(env.db, org.id), 20_000);
    assert.ok(receiver.okCounts().size >= 3, 'events reached the webhook');
    await env.close();

    const logs = fs.readFileSync(logFile, 'utf8');
    const lines = logs.split('\n').filter(Boolean);
    assert.ok(lines.length > 20, `the flow was logged (${lines.length} lines)`);
    assert.ok(lines.some((l) => /"level":20/.test(l)) || lines.some((l) => /"level":30/.test(l)), 'captured at debug level');
    assert.match(logs, /scim write applied/);
    for (const [what, value] of secrets) {
      assert.ok(value.length >= 8, `${what} is a real value`);
      assert.equal(logs.includes(value), false, `${what} appears in the log`);
    }
    // Belt and braces: nothing token- or secret-shaped at all.
    assert.doesNotMatch(logs, /dsk_[A-Za-z0-9_-]{43}/);
    assert.doesNotMatch(logs, /whsec_[A-Za-z0-9+/]{20,}/);
    assert.doesNotMatch(logs, /[Bb]earer [A-Za-z0-9._~+/=-]{8,}/);
  });
});
