import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, freshPage, launchChromium } from '../support/chromium';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser, patch } from '../support/okta-bodies';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { allDelivered, waitFor } from '../delivery/delivery-helpers';


/**
 * The deprovisioning circuit breaker's pages in real Chromium (docs/circuit-breaker.md):
 * the banner on the directory overview, the hold page with who would lose access, Release
 * and Discard behind their confirmation, and the per-directory limits form.
 */
describe('Admin Portal in real Chromium: deprovisioning holds', { timeout: 180_000 }, () => {
  let env: TestEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const api = () => adminClient(env.baseUrl, ADMIN_KEY);

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '200' } });
    browser = await launchChromium();
    ({ context, page } = await freshPage(browser));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await env?.close();
  });

  /** A directory of `n` users of which the first `deactivate` are deactivated at once (the breaker holds some). */
  async function trippedDirectory(orgName: string, n: number, deactivate: number) {
    const dir = await env.createDirectory({ provider: 'okta', orgName });
    const scim = scimClient(dir.scimUrl, dir.token);
    const ids: string[] = [];
    for (let i = 0; i < n; i += 20) {
      ids.push(...(await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) => (await scim('POST', '/Users', oktaUser(`person${i + k}@acme.test`, 'Person', `Number${i + k}`))).body.id as string))));
    }
    await waitFor('created', () => allDelivered(env.db, dir.organizationId), 30_000);
    for (const id of ids.slice(0, deactivate)) assert.equal((await scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))).status, 200);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const holds = (await api()('GET', `/directories/${dir.directoryId}/holds`)).body.data as { id: string; status: string }[];
    assert.equal(holds.length, 1);
    return { dir, holdId: holds[0]!.id };
  }

  const suspended = async (organizationId: string) => (await new AppModelStore(env.db).listAppUsers(organizationId)).filter((u) => !u.active).length;

  it('shows the banner and who would lose access, and Release passes the held changes to the app', async () => {
    const { dir, holdId } = await trippedDirectory('Acme Corp', 60, 30);
    const held = 30 - (await suspended(dir.organizationId));
    assert.ok(held > 0, 'some deactivations are held');

    const link = await api()('POST', `/organizations/${dir.organizationId}/portal-links`, {});
    await page.goto(link.body.url);
    await page.getByRole('button', { name: 'Continue to the Admin Portal' }).click();
    await page.goto(`${env.baseUrl}/portal/directories/${dir.directoryId}`);
    await page.getByText('Deprovisioning is on hold').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'hold-banner.png'), fullPage: true });

    await page.locator(`a[href="/portal/directories/${dir.directoryId}/holds/${holdId}"]`).first().click();
    await page.getByText(/Who would lose access/).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /person\d+@acme\.test/);
    await page.screenshot({ path: path.join(SHOTS, 'hold-preview.png'), fullPage: true });

    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.waitForURL(/notice=released/);
    assert.equal((await api()('GET', `/holds/${holdId}`)).body.status, 'released');
    await waitFor('released to the app', async () => (await suspended(dir.organizationId)) === 30, 30_000);
    await page.goto(`${env.baseUrl}/portal/directories/${dir.directoryId}`);
    assert.equal(await page.getByText('Deprovisioning is on hold').count(), 0);
  });

  it('Discard keeps the people in the app, and the limits form saves per-directory thresholds', async () => {
    const { dir, holdId } = await trippedDirectory('Globex', 60, 30);
    const before = await suspended(dir.organizationId);
    // A fresh browser session for the other organization.
    await context.close();
    ({ context, page } = await freshPage(browser));
    const link = await api()('POST', `/organizations/${dir.organizationId}/portal-links`, {});
    await page.goto(link.body.url);
    await page.getByRole('button', { name: 'Continue to the Admin Portal' }).click();
    await page.goto(`${env.baseUrl}/portal/directories/${dir.directoryId}/holds/${holdId}`);
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await page.waitForURL(/notice=discarded/);
    assert.equal((await api()('GET', `/holds/${holdId}`)).body.status, 'discarded');
    await waitFor('settled', () => allDelivered(env.db, dir.organizationId), 30_000);
    assert.equal(await suspended(dir.organizationId), before, 'a discard delivers nothing');

    await page.goto(`${env.baseUrl}/portal/directories/${dir.directoryId}/breaker`);
    await page.locator('input[name="minCount"]').fill('50');
    await page.locator('input[name="minPercent"]').fill('5');
    await page.locator('input[name="windowMinutes"]').fill('30');
    await page.screenshot({ path: path.join(SHOTS, 'breaker-limits.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save limits' }).click();
    await page.waitForURL(/\/breaker/);
    const settings = (await api()('GET', `/directories/${dir.directoryId}/breaker`)).body;
    assert.deepEqual([settings.minCount, settings.minPercent, settings.windowSeconds], [50, 5, 1800]);
  });
});
