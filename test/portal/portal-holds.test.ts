import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser, patch } from '../support/okta-bodies';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { allDelivered, waitFor } from '../delivery/delivery-helpers';
import { PortalClient, hiddenField } from './portal-client';

const ADMIN_KEY = 'test-admin-key-0123456789';

/** The circuit breaker in the Admin Portal: banner, preview, Release / Discard (CSRF-protected), per-directory limits. */
describe('Admin Portal: deprovisioning holds', { timeout: 120_000 }, () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '300' } });
  });
  after(async () => env.close());

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${env.baseUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as any;
  };

  it('shows a banner and who would lose access; Release needs the CSRF token and then delivers; the limits form saves', async () => {
    const dir = await env.createDirectory();
    const scim = scimClient(dir.scimUrl, dir.token);
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 20) ids.push(...(await Promise.all(Array.from({ length: 20 }, async (_, k) => (await scim('POST', '/Users', oktaUser(`p${i + k}@example.com`))).body.id as string))));
    await waitFor('created', () => allDelivered(env.db, dir.organizationId), 30_000);
    await Promise.all(ids.slice(0, 25).map((id) => scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const [hold] = (await api('GET', `/directories/${dir.directoryId}/holds`)).data as { id: string; people: number }[];
    assert.ok(hold);

    const portal = new PortalClient(env.baseUrl);
    assert.equal((await portal.open((await api('POST', `/organizations/${dir.organizationId}/portal-links`, {})).url)).status, 303);
    const overview = await portal.get(`/portal/directories/${dir.directoryId}`);
    assert.equal(overview.status, 200);
    assert.match(overview.text, /Deprovisioning is on hold/);
    assert.match(overview.text, new RegExp(`/portal/directories/${dir.directoryId}/holds/${hold.id}`));

    const preview = await portal.get(`/portal/directories/${dir.directoryId}/holds/${hold.id}`);
    assert.equal(preview.status, 200);
    assert.match(preview.text, new RegExp(`Who would lose access \\(${hold.people}\\)`));
    assert.match(preview.text, /p\d+@example\.com/);
    assert.match(preview.text, />Release</);
    assert.match(preview.text, />Discard</);

    // Without the CSRF token nothing happens.
    const forged = await portal.post(`/portal/directories/${dir.directoryId}/holds/${hold.id}/release`, {});
    assert.equal(forged.status, 403);
    assert.equal((await api('GET', `/holds/${hold.id}`)).status, 'held');

    const released = await portal.post(`/portal/directories/${dir.directoryId}/holds/${hold.id}/release`, { _csrf: hiddenField(preview.text, '_csrf') });
    assert.equal(released.status, 303);
    assert.equal((await api('GET', `/holds/${hold.id}`)).status, 'released');
    await waitFor('released', async () => (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).filter((u) => !u.active).length === 25, 30_000);
    assert.doesNotMatch((await portal.get(`/portal/directories/${dir.directoryId}`)).text, /Deprovisioning is on hold/);

    const limits = await portal.get(`/portal/directories/${dir.directoryId}/breaker`);
    assert.equal(limits.status, 200);
    assert.match(limits.text, /name="minCount"[^>]*value="20"/);
    const saved = await portal.post(`/portal/directories/${dir.directoryId}/breaker`, { _csrf: hiddenField(limits.text, '_csrf'), enabled: 'true', windowMinutes: '30', minCount: '50', minPercent: '5' });
    assert.equal(saved.status, 303);
    const settings = await api('GET', `/directories/${dir.directoryId}/breaker`);
    assert.deepEqual({ enabled: settings.enabled, windowSeconds: settings.windowSeconds, minCount: settings.minCount, minPercent: settings.minPercent }, { enabled: true, windowSeconds: 1800, minCount: 50, minPercent: 5 });
    const bad = await portal.post(`/portal/directories/${dir.directoryId}/breaker`, { _csrf: hiddenField(limits.text, '_csrf'), enabled: 'true', windowMinutes: '30', minCount: '0', minPercent: '5' });
    assert.equal(bad.status, 400);
  });
});
