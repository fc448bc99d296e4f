import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';
import { PortalClient } from './portal-client';

describe('throttling is visible to the admin (portal) and to ops (metrics)', () => {
  let env: TestEnv;

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, SCIM_RATE_LIMIT: '5', SCIM_RATE_LIMIT_WINDOW_SECONDS: '3600' } });
  });
  after(async () => env.close());

  it('after 429s the directory overview shows how many requests were throttled', async () => {
    const dir = await env.createDirectory({ orgName: 'Throttled Co' });
    const scim = scimClient(dir.scimUrl, dir.token);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await scim('GET', '/Users?startIndex=1&count=1')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);

    const api = adminClient(env.baseUrl, ADMIN_KEY);
    const link = (await api('POST', `/organizations/${dir.organizationId}/portal-links`, {})).body.url as string;
    const portal = new PortalClient(env.baseUrl);
    assert.equal((await portal.open(link)).status, 303);
    const page = await portal.get(`/portal/directories/${dir.directoryId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<dt>Throttling<\/dt>/);
    assert.match(page.text, /<span class="stat-number">3<\/span> <span class="small">requests answered 429/);
    assert.match(page.text, /of 5 requests in the current 3600 s window/);

    const metrics = await fetch(`${env.baseUrl}/metrics`, { headers: { Authorization: `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString('base64')}` } });
    const text = await metrics.text();
    const throttled = text.split('\n').filter((l) => /429|throttl/i.test(l) && !l.startsWith('#'));
    assert.ok(throttled.some((l) => /\s3$/.test(l)), `metrics show the 3 throttled requests:\n${throttled.join('\n')}`);
  });
});
