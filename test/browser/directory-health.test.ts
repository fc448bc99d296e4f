/**
 * Issue 13, requirement 2, in real Chromium: the overview's 4xx warning, the Rejected
 * tab, and the trace behind an activity row. Writes docs/screenshots/health-warning.png,
 * rejected-tab.png and operation-trace.png on every run, so they always match the code.
 */
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

describe('Directory health in real Chromium: warning, Rejected tab, operation trace', () => {
  let env: TestEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const api = () => adminClient(env.baseUrl, ADMIN_KEY);
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, HEALTH_FLUSH_INTERVAL_MS: '100' } });
    browser = await launchChromium();
    ({ context, page } = await freshPage(browser));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await env?.close();
  });

  it('shows the warning, the rejected requests and a trace', async () => {
    const dir = await env.createDirectory({ orgName: 'Acme Corp' });
    const scim = scimClient(dir.scimUrl, dir.token);

    // Okta imports three people and pushes a group (its exact request shapes).
    const ids: string[] = [];
    for (const [userName, given, family] of [['ada.lovelace@acme.test', 'Ada', 'Lovelace'], ['grace.hopper@acme.test', 'Grace', 'Hopper'], ['alan.turing@acme.test', 'Alan', 'Turing']] as const) {
      assert.equal((await scim('GET', `/Users${lookup('userName', userName)}`)).status, 200);
      const created = await scim('POST', '/Users', oktaUser(userName, given, family));
      assert.equal(created.status, 201, created.text);
      ids.push(created.body.id);
    }
    const group = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [] });
    assert.equal(group.status, 201, group.text);
    const push = await scim('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: ids.slice(0, 2).map((value) => ({ value })) }] });
    assert.equal(push.status, 204, push.text);
    for (let i = 0; i < 8; i++) assert.equal((await scim('GET', `/Users?startIndex=1&count=2`)).status, 200);

    // And requests that go wrong: a duplicate, a mistyped filter, a bad PATCH path, an unknown member, a probe.
    const rejected: [string, string, unknown, number][] = [
      ['POST', '/Users', oktaUser('ada.lovelace@acme.test', 'Ada', 'Lovelace'), 409],
      ['GET', `/Users${lookup('emailAddress', 'grace.hopper@acme.test')}`, undefined, 400],
      ['PATCH', `/Users/${ids[2]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'emails[type eq "work"', value: 'alan@acme.test' }] }, 400],
      ['PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: 'not-a-user' }] }] }, 400],
      ['GET', '/Users/010101001010101011001010101011', undefined, 404],
      ['PATCH', `/Users/${ids[1]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }, 400],
    ];
    for (const [method, p, body, status] of rejected) assert.equal((await scim(method, p, body)).status, status, `${method} ${p}`);
    const total = 3 * 2 + 2 + 8 + rejected.length;
    const deadline = Date.now() + 15_000;
    while ((await api()('GET', `/directories/${dir.directoryId}/health`)).body.lastHour.total < total) {
      assert.ok(Date.now() < deadline, 'counters flushed');
      await new Promise((r) => setTimeout(r, 100));
    }

    // The customer's IT admin opens a portal link.
    const link = await api()('POST', `/organizations/${dir.organizationId}/portal-links`, {});
    assert.equal(link.status, 201);
    await page.goto(link.body.url);
    await page.getByRole('button', { name: 'Continue to the Admin Portal' }).click();
    await page.getByRole('heading', { name: 'Directory Sync', level: 1 }).waitFor();

    await page.goto(`${env.baseUrl}/portal/directories/${dir.directoryId}`);
    const warning = page.getByTestId('health-warning');
    await warning.waitFor();
    assert.match(await warning.innerText(), /of the SCIM requests in the last hour were rejected/);
    assert.match(await warning.innerText(), /quarantine/);
    assert.match(await page.getByTestId('rejection-share').innerText(), /6 of 22/);
    await shot('health-warning');

    await page.locator('nav.subnav').getByRole('link', { name: 'Rejected', exact: true }).click();
    const table = page.getByTestId('rejected-table');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), rejected.length);
    const text = await table.innerText();
    for (const expected of ['POST /Users', 'uniqueness', 'userName', 'invalidFilter', 'emailAddress', 'invalidPath', 'members reference 1 unknown user', 'GET /Users/{id}', 'active']) assert.ok(text.includes(expected), expected);
    for (const value of ['ada.lovelace@acme.test', 'grace.hopper@acme.test', 'alan@acme.test', 'not-a-user', '010101001010101011001010101011', 'maybe']) assert.ok(!text.includes(value), `no client value: ${value}`);
    await shot('rejected-tab');

    await page.locator('nav.subnav').getByRole('link', { name: 'Activity', exact: true }).click();
    // Newest first: the successful push is the older of the two member PATCHes.
    await page.locator('a.request-link', { hasText: /^PATCH \/Groups\/.+ ops=add:members$/ }).last().click();
    const trace = page.getByTestId('operation-trace');
    await trace.waitFor();
    // Delivery to the app user model follows within milliseconds: reload until it shows.
    for (let i = 0; i < 50 && !(await page.getByTestId('trace-deliveries').innerText()).includes('Delivered'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.reload();
    }
    const all = await trace.innerText();
    for (const expected of ['1. Request', '2. Operation', 'Queue wait', 'Apply time', 'Attempts', '3. Events', 'group.user_added', '4. Delivery', 'App user model', 'Delivered']) assert.ok(all.includes(expected), expected);
    await shot('operation-trace');
  });
});
