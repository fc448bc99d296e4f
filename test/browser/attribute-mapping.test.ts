import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, freshPage, launchChromium } from '../support/chromium';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { ENTERPRISE_SCHEMA, USER_SCHEMA, oktaUser } from '../support/okta-bodies';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User';

describe('Admin Portal in real Chromium: attribute mapping with a preview over synced users', () => {
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

  it('edits the mapping, previews it over real users, saves it, and the app model follows', async () => {
    const dir = await env.createDirectory({ provider: 'okta', orgName: 'Acme Corp' });
    const scim = scimClient(dir.scimUrl, dir.token);
    const people = [
      ['ada.lovelace@acme.test', 'Ada', 'Lovelace', 'Analytical Engines', 'CC-100', 'Principal Engineer'],
      ['grace.hopper@acme.test', 'Grace', 'Hopper', 'Compilers', 'CC-200', 'Rear Admiral'],
      ['alan.turing@acme.test', 'Alan', 'Turing', 'Cryptanalysis', 'CC-300', 'Researcher'],
    ] as const;
    for (const [userName, given, family, department, costCode, title] of people) {
      const created = await scim('POST', '/Users', {
        ...oktaUser(userName, given, family),
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA, CUSTOM],
        title,
        [ENTERPRISE_SCHEMA]: { department, employeeNumber: `E-${given}` },
        [CUSTOM]: { costCode, onCall: given === 'Grace' },
      });
      assert.equal(created.status, 201, created.text);
    }
    const link = await api()('POST', `/organizations/${dir.organizationId}/portal-links`, {});
    assert.equal(link.status, 201);

    await page.goto(link.body.url);
    await page.getByRole('button', { name: 'Continue to the Admin Portal' }).click();
    await page.getByRole('heading', { name: 'Directory Sync', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Attribute mapping' }).click();
    await page.getByRole('heading', { name: 'Attribute mapping', level: 1 }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Attribute mapping' }).getAttribute('aria-current'), 'page');
    // Nothing saved: the default enterprise rows.
    assert.equal(await page.locator('#name_0').inputValue(), 'department');
    assert.equal(await page.locator('.mapping-table tbody tr').count(), 7);
    await page.getByText('You have not saved a mapping').waitFor();

    // Remove "division" and "organization", add the Okta custom attribute, with a typo first.
    for (const name of ['organization', 'division']) {
      const row = page.locator('.mapping-table tbody tr', { has: page.locator(`input[value="${name}"]`) });
      await row.getByRole('button', { name: /^Remove row/ }).click();
      await page.getByRole('heading', { name: 'Attribute mapping', level: 1 }).waitFor();
    }
    assert.equal(await page.locator('.mapping-table tbody tr').count(), 5);
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.locator('#name_5').fill('costCode');
    await page.locator('#path_5').fill(`${CUSTOM}:costCod`.replace('costCod', 'cost code'));
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.locator('#name_6').fill('onCall');
    await page.locator('#path_6').fill(`${CUSTOM.toLowerCase()}:ONCALL`);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    // The bad path is refused with a clear message next to its row; the typed rows stay.
    await page.locator('#errors_5').waitFor();
    assert.match(await page.locator('#errors_5').innerText(), /Path:/);
    assert.equal(await page.locator('#name_6').inputValue(), 'onCall');

    await page.locator('#path_5').fill(`${CUSTOM}:costCode`);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.locator('#preview-table').waitFor();
    const preview = (await page.locator('#preview-table').textContent()) ?? '';
    for (const text of ['grace.hopper@acme.test', 'CC-200', 'Compilers', 'Rear Admiral', 'true', 'costCode', 'onCall']) assert.ok(preview.includes(text), text);
    await page.getByText('Unsaved changes').waitFor();
    // Still nothing saved.
    assert.equal((await api()('GET', `/organizations/${dir.organizationId}/attribute-mapping`)).body.isDefault, true);
    await page.screenshot({ path: path.join(SHOTS, 'attribute-mapping.png'), fullPage: true });

    // A POST without the CSRF token is refused.
    const forged = await page.request.post(`${env.baseUrl}/portal/attribute-mapping`, { form: { rows: '1', name_0: 'x', path_0: 'title', action: 'save' } });
    assert.equal(forged.status(), 403);

    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('The attribute mapping was saved').waitFor();
    const saved = await api()('GET', `/organizations/${dir.organizationId}/attribute-mapping`);
    assert.deepEqual(saved.body.attributes.map((e: { name: string }) => e.name), ['department', 'costCenter', 'employeeNumber', 'manager', 'title', 'costCode', 'onCall']);
    assert.equal(saved.body.isDefault, false);

    // The existing users are re-projected through delivery.
    const until = Date.now() + 15_000;
    let users: { userName: string; attributes: Record<string, unknown> }[] = [];
    while (Date.now() < until) {
      users = (await api()('GET', `/organizations/${dir.organizationId}/app-users`)).body.data;
      // The default mapping already gives custom-extension attributes (costCode) under their own names;
      // the saved mapping has no `division`, so its absence says the re-projection reached every user.
      if (users.length === 3 && users.every((u) => typeof u.attributes['costCode'] === 'string' && !('division' in u.attributes))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const grace = users.find((u) => u.userName === 'grace.hopper@acme.test');
    assert.deepEqual(grace?.attributes, { department: 'Compilers', costCenter: null, employeeNumber: 'E-Grace', manager: null, title: 'Rear Admiral', costCode: 'CC-200', onCall: true });
    await page.reload();
    await page.locator('[data-reprojection="done"]').waitFor();
  });
});
