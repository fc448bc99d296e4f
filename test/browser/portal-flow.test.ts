import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, freshPage, launchChromium } from '../support/chromium';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { GROUP_SCHEMA, PATCH_SCHEMA, oktaUser } from '../support/okta-bodies';

const lookup = (attr: string, value: string) => `?filter=${encodeURIComponent(`${attr} eq "${value}"`)}&startIndex=1&count=100`;

describe('Admin Portal in real Chromium: enable, link, configure Okta, provision, see it, rotate, revoke', () => {
  let env: TestEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let step = 0;
  const api = () => adminClient(env.baseUrl, ADMIN_KEY);
  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, TOKEN_ROTATION_GRACE_SECONDS: '3600' } });
    browser = await launchChromium();
    ({ context, page } = await freshPage(browser));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await env?.close();
  });

  it('walks the whole flow', async () => {
    // The app owner: organization, Directory Sync on, a portal link.
    const org = await api()('POST', '/organizations', { name: 'Acme Corp' });
    assert.equal(org.status, 201);
    assert.equal((await api()('POST', `/organizations/${org.body.id}/directory-sync/enable`)).body.directorySyncEnabled, true);
    const link = await api()('POST', `/organizations/${org.body.id}/portal-links`, {});
    assert.equal(link.status, 201);

    // The customer's IT admin opens the link.
    await page.goto(link.body.url);
    await page.getByRole('heading', { name: 'Admin Portal for Acme Corp' }).waitFor();
    await shot('portal-link');
    await page.getByRole('button', { name: 'Continue to the Admin Portal' }).click();

    await page.getByRole('heading', { name: 'Directory Sync', level: 1 }).waitFor();
    for (const name of ['Okta', 'Microsoft Entra ID', 'OneLogin', 'JumpCloud', 'Generic SCIM 2.0']) assert.equal(await page.getByRole('link', { name: new RegExp(`^${name}`) }).count(), 1, name);
    const cookie = (await context.cookies()).find((c) => c.name === 'dirsync_portal');
    assert.ok(cookie?.httpOnly && cookie.sameSite === 'Lax', 'session cookie is HttpOnly and SameSite=Lax');
    await shot('directory-sync');

    await page.getByRole('link', { name: /^Okta/ }).click();
    await page.getByRole('heading', { name: 'Connect Okta' }).waitFor();
    const steps = await page.locator('.step-list').innerText();
    for (const text of ['SCIM 2.0 Test App (OAuth Bearer Token)', 'Configure API Integration', 'Test API Credentials', 'Create Users', 'Update User Attributes', 'Deactivate Users', 'Assignments', 'Push Immediately']) assert.ok(steps.includes(text), text);
    assert.match(await page.locator('.notice-warning').innerText(), /separate groups for assignments and for Push Groups/);
    await shot('okta-setup');

    await page.getByRole('button', { name: 'Configure' }).click();
    await page.getByRole('heading', { name: 'Okta is ready to connect' }).waitFor();
    const scimUrl = (await page.locator('#scim-url').innerText()).trim();
    const token = (await page.locator('#scim-token').innerText()).trim();
    assert.match(scimUrl, new RegExp(`^${env.baseUrl}/scim/v2/[0-9a-f-]{36}$`));
    assert.match(token, /^dsk_[A-Za-z0-9_-]{43}$/);
    assert.match(await page.getByRole('alert').innerText(), /will not be shown again/);
    await shot('okta-credentials');
    const directoryId = scimUrl.split('/').pop() ?? '';

    // Reload: the page no longer holds the token (the URL was swapped; no form is re-posted).
    await page.reload();
    await page.getByText('The token was shown once and cannot be shown again').waitFor();
    assert.equal((await page.content()).includes(token), false, 'a reload must not show the token again');

    // Okta: Test API Credentials, assign two people, push a group, deactivate one (exact Okta shapes).
    const scim = scimClient(scimUrl, token);
    assert.equal((await scim('GET', '/Users?startIndex=1&count=2')).status, 200);
    const ids: Record<string, string> = {};
    for (const [userName, given, family] of [['ada.lovelace@acme.test', 'Ada', 'Lovelace'], ['grace.hopper@acme.test', 'Grace', 'Hopper'], ['alan.turing@acme.test', 'Alan', 'Turing']] as const) {
      assert.equal((await scim('GET', `/Users${lookup('userName', userName)}`)).body.totalResults, 0);
      const created = await scim('POST', '/Users', oktaUser(userName, given, family));
      assert.equal(created.status, 201, created.text);
      ids[given] = created.body.id;
    }
    const deact = await scim('PATCH', `/Users/${ids['Alan']}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] });
    assert.ok(deact.status === 200 || deact.status === 204);
    assert.equal((await scim('GET', `/Groups${lookup('displayName', 'Engineering')}`)).body.totalResults, 0);
    const group = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [] });
    assert.equal(group.status, 201, group.text);
    const push = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', value: { id: group.body.id, displayName: 'Engineering' } },
        { op: 'add', path: 'members', value: [{ value: ids['Ada'], display: 'ada.lovelace@acme.test' }, { value: ids['Grace'], display: 'grace.hopper@acme.test' }] },
      ],
    });
    assert.ok(push.status === 200 || push.status === 204, push.text);
    const missing = await scim('POST', '/Users', oktaUser('ada.lovelace@acme.test', 'Ada', 'Lovelace'));
    assert.equal(missing.status, 409, 'a duplicate shows as the last error');

    // The admin sees what arrived.
    await page.goto(`${env.baseUrl}/portal/directories/${directoryId}`);
    assert.equal(await page.locator('.stat-number').first().innerText(), '3');
    assert.match(await page.locator('.stat').nth(1).innerText(), /409/);
    assert.doesNotMatch(await page.locator('.stat').first().innerText(), /No request yet/);
    await shot('directory-overview');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('cell', { name: /Grace Hopper/ }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 3);
    assert.equal(await page.locator('tbody .badge-deactivated').count(), 1);
    await shot('users');
    await page.getByLabel('Search by name, username or email').fill('hopper');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=hopper/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    assert.match(await page.locator('tbody').innerText(), /grace\.hopper@acme\.test/);
    await shot('users-search');

    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    const row = page.getByRole('row', { name: /Engineering/ });
    assert.match(await row.innerText(), /\b2\b/);
    await shot('groups');
    await page.getByRole('link', { name: 'Engineering' }).click();
    await page.getByText('2 members').waitFor();
    const members = await page.locator('tbody').innerText();
    assert.ok(members.includes('ada.lovelace@acme.test') && members.includes('grace.hopper@acme.test') && !members.includes('alan.turing'));
    await shot('group-members');

    await page.getByRole('link', { name: 'Activity' }).click();
    const activity = await page.locator('tbody').innerText();
    assert.match(activity, /POST \/Users/);
    assert.match(activity, /PATCH \/Groups/);
    assert.match(activity, /409/);
    assert.equal(activity.includes('placeholder'), false, 'never a password');
    assert.equal((await page.content()).includes(token), false, 'never a token');
    await shot('activity');

    // Rotate: a new token, shown once; the old one keeps working during the grace period.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await page.getByRole('heading', { name: 'New bearer token' }).waitFor();
    const newToken = (await page.locator('#scim-token').innerText()).trim();
    assert.match(newToken, /^dsk_/);
    assert.notEqual(newToken, token);
    await shot('rotated-token');
    assert.equal((await scim('GET', '/Users?startIndex=1&count=1')).status, 200, 'old token works during the grace period');
    const scimNew = scimClient(scimUrl, newToken);
    assert.equal((await scimNew('GET', '/Users?startIndex=1&count=1')).status, 200);

    // Revoke: only the newest token works now.
    await page.getByRole('link', { name: 'I have copied it: go to the directory' }).click();
    await page.getByRole('button', { name: 'Revoke previous tokens' }).click();
    await page.getByText('Previous tokens were revoked').waitFor();
    await shot('revoked');
    assert.equal((await scim('GET', '/Users?startIndex=1&count=1')).status, 401, 'old token refused after revoke');
    assert.equal((await scimNew('GET', '/Users?startIndex=1&count=1')).status, 200, 'new token still works');
    assert.equal((await page.content()).includes(newToken), false);
  });
});
