import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaGroup, oktaUser, patch } from '../support/okta-bodies';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { reconcileDirectory } from '../../src/app-model/reconcile-directory';
import { allDelivered, directoryAsAppUsers, waitFor } from './delivery-helpers';

const ADMIN_KEY = 'test-admin-key-0123456789';

/** The batched app-model drain, end to end: concurrent Okta-shaped bursts on several directories. */
describe('app user model after a burst on several directories', () => {
  let env: TestEnv;

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '500', DELIVERY_BATCH_SIZE: '50' } });
  });
  after(async () => env.close());

  const retrying = (scim: ScimClient): ScimClient => async (method, path, body, headers) => {
    for (let i = 0; ; i++) {
      const res = await scim(method, path, body, headers);
      if (res.status !== 503 || i >= 10) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  async function burst(dir: TestDirectory, n: number): Promise<void> {
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    const ids = await Promise.all(Array.from({ length: n }, async (_, i) => (await scim('POST', '/Users', oktaUser(`burst${i}@example.com`))).body.id as string));
    const mapping = await fetch(`${env.baseUrl}/api/v1/organizations/${dir.organizationId}/role-mappings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ groupName: 'Engineering', role: 'engineer' }),
    });
    assert.equal(mapping.status, 201);
    const eng = (await scim('POST', '/Groups', oktaGroup('Engineering', ids.slice(0, n / 2)))).body.id as string;
    const ops = (await scim('POST', '/Groups', oktaGroup('Ops', ids.slice(n / 2)))).body.id as string;
    await Promise.all([
      // Updates, deactivations and a delete, concurrently with membership changes.
      ...ids.slice(0, 10).map((id, i) => scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { displayName: `Renamed ${i}` } }))),
      ...ids.slice(10, 15).map((id) => scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))),
      scim('DELETE', `/Users/${ids[n - 1]}`),
      scim('PATCH', `/Groups/${eng}`, patch({ op: 'add', path: 'members', value: ids.slice(n / 2, n / 2 + 5).map((value) => ({ value })) })),
      scim('PATCH', `/Groups/${ops}`, patch({ op: 'remove', path: `members[value eq "${ids[n / 2]}"]` })),
    ]);
    await scim('PATCH', `/Groups/${ops}`, patch({ op: 'replace', value: { displayName: 'Engineering' } }));
    await scim('PATCH', `/Users/${ids[10]}`, patch({ op: 'replace', value: { active: true } }));
  }

  it('creates, updates, deactivations and membership changes on three directories at once: the app model equals each directory', async () => {
    const dirs = await Promise.all([env.createDirectory(), env.createDirectory(), env.createDirectory()]);
    await Promise.all(dirs.map((d) => burst(d, 60)));
    for (const dir of dirs) {
      await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
      const app = (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => ({ directoryUserId: u.directoryUserId, userName: u.userName, active: u.active }));
      assert.deepEqual(app, await directoryAsAppUsers(env.db, dir.directoryId));
      const drift = await reconcileDirectory(env.db, dir.directoryId, false);
      assert.equal(drift.driftCount, 0, JSON.stringify(drift));
      const engineers = (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).filter((u) => u.roles.includes('engineer')).length;
      assert.ok(engineers > 30, `roles follow the renamed group (${engineers} engineers)`);
    }
    const cursors = await env.db('delivery_cursors').whereIn('directory_id', dirs.map((d) => d.directoryId)).count<{ n: string }[]>('* as n');
    assert.equal(Number(cursors[0]?.n), 3, 'one cursor per (sink, directory): state stays bounded');
  });
});
