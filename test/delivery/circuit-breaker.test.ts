import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaGroup, oktaUser, patch } from '../support/okta-bodies';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { reconcileDirectory } from '../../src/app-model/reconcile-directory';
import { allDelivered, directoryAsAppUsers, waitFor, WebhookReceiver } from './delivery-helpers';

const ADMIN_KEY = 'test-admin-key-0123456789';

interface HoldBody {
  id: string;
  status: string;
  counts: { deactivations: number; deletions: number; roleRemovals: number; groupDeletions: number; cancelled: number };
  people: number;
  wouldLoseAccess?: { userId: string; roles: string[] }[];
}

/** The deprovisioning circuit breaker, end to end: SCIM over HTTP, the real drainer, the admin API. */
describe('deprovisioning circuit breaker', { timeout: 180_000 }, () => {
  let env: TestEnv;
  const receiver = new WebhookReceiver();

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '300' } });
  });
  after(async () => {
    await receiver.close();
    await env.close();
  });

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${env.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };

  const retrying = (scim: ScimClient): ScimClient => async (method, path, body, headers) => {
    for (let i = 0; ; i++) {
      const res = await scim(method, path, body, headers);
      if (res.status !== 503 || i >= 10) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  /** A directory of `n` active users, every one in the group "Staff" mapped to the role "staff", all delivered. */
  async function directoryOf(n: number): Promise<{ dir: TestDirectory; scim: ScimClient; ids: string[] }> {
    const dir = await env.createDirectory();
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    assert.equal((await api('POST', `/organizations/${dir.organizationId}/role-mappings`, { groupName: 'Staff', role: 'staff' })).status, 201);
    const ids: string[] = [];
    for (let i = 0; i < n; i += 20) {
      const chunk = await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) => (await scim('POST', '/Users', oktaUser(`u${i + k}@example.com`))).body.id as string));
      ids.push(...chunk);
    }
    assert.equal((await scim('POST', '/Groups', oktaGroup('Staff', ids))).status, 201);
    await waitFor('initial delivery', () => allDelivered(env.db, dir.organizationId), 30_000);
    return { dir, scim, ids };
  }

  const deactivate = (scim: ScimClient, ids: string[]) => Promise.all(ids.map((id) => scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }))));
  const appUsers = async (dir: TestDirectory) => new Map((await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => [u.directoryUserId, u]));
  /** Every event of the organization the events API shows, in order. */
  const feed = async (dir: TestDirectory): Promise<{ type: string; resource: { id: string; version: number } }[]> => {
    const out: { type: string; resource: { id: string; version: number } }[] = [];
    let cursor = '';
    for (;;) {
      const page = (await api('GET', `/organizations/${dir.organizationId}/events?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
      out.push(...page.data);
      cursor = page.nextCursor;
      if (!page.hasMore) return out;
    }
  };
  const holdsOf = async (dir: TestDirectory): Promise<HoldBody[]> => (await api('GET', `/directories/${dir.directoryId}/holds`)).body.data as HoldBody[];

  it('5 deactivations go through untouched: no hold', async () => {
    const { dir, scim, ids } = await directoryOf(30);
    const res = await deactivate(scim, ids.slice(0, 5));
    assert.ok(res.every((r) => r.status === 200));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const app = await appUsers(dir);
    for (const id of ids.slice(0, 5)) assert.equal(app.get(id)?.active, false);
    assert.deepEqual(await holdsOf(dir), []);
  });

  it('deactivating 40 of 100 users within a minute leaves at least 20 active in the app with a hold listed; a name change does not leak; a reactivation cancels; release makes the app equal the directory', async () => {
    const { dir, scim, ids } = await directoryOf(100);
    const hookSecret = await api('POST', `/organizations/${dir.organizationId}/sinks`, { url: await receiver.start(), name: 'app' });
    assert.equal(hookSecret.status, 201);
    receiver.secret = hookSecret.body.secret as string;
    const victims = ids.slice(0, 40);
    // Okta answers every write as usual: the directory mirrors Okta.
    for (let i = 0; i < victims.length; i += 10) assert.ok((await deactivate(scim, victims.slice(i, i + 10))).every((r) => r.status === 200));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);

    const holds = await holdsOf(dir);
    assert.equal(holds.length, 1);
    const hold = holds[0]!;
    assert.equal(hold.status, 'held');
    assert.ok(hold.counts.deactivations >= 20, JSON.stringify(hold));
    let app = await appUsers(dir);
    const stillActive = victims.filter((id) => app.get(id)?.active);
    assert.ok(stillActive.length >= 20, `${stillActive.length} of the 40 still active in the app`);
    assert.equal(stillActive.length, hold.counts.deactivations);
    // Held people keep their roles in the app.
    for (const id of stillActive) assert.deepEqual(app.get(id)?.roles, ['staff']);
    // /metrics shows what is held.
    const metrics = await (await fetch(`${env.baseUrl}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString('base64')}` } })).text();
    assert.match(metrics, /^dirsync_breaker_open_holds 1$/m);
    assert.match(metrics, new RegExp(`^dirsync_breaker_held_people ${stillActive.length}$`, 'm'));
    assert.match(metrics, /^dirsync_breaker_held_events \d+$/m);
    const detail = (await api('GET', `/holds/${hold.id}`)).body as HoldBody;
    assert.equal(detail.wouldLoseAccess?.length, stillActive.length);
    assert.deepEqual(detail.wouldLoseAccess?.[0]?.roles, ['staff']);
    // Webhooks: the hold was announced and no held deactivation was posted.
    await waitFor('sync_held webhook', async () => receiver.received.some((r) => r.body.type === 'directory.sync_held'), 10_000);
    const postedDeactivations = new Set(receiver.received.filter((r) => r.body.type === 'user.deactivated').map((r) => r.body.resource.id));
    for (const id of stillActive) assert.ok(!postedDeactivations.has(id), 'a held deactivation reached a webhook');
    // The events API shows no held event either.
    const fedDeactivations = new Set((await feed(dir)).filter((e) => e.type === 'user.deactivated').map((e) => e.resource.id));
    for (const id of stillActive) assert.ok(!fedDeactivations.has(id), 'a held deactivation is in the events API');
    // The per-operation trace of a held deactivation shows the hold, not a delivery, for every sink.
    const heldOp: { id: string } = await env.db('operations').where({ resource_id: stillActive[2], method: 'PATCH' }).orderBy('applied_at', 'desc').first('id');
    const trace = await api('GET', `/directories/${dir.directoryId}/operations/${heldOp.id}/trace`);
    assert.equal(trace.status, 200);
    const traced = (trace.body.events as { type: string; deliveries: { status: string; heldBy?: { holdId: string; status: string } }[] }[]).find((e) => e.type === 'user.deactivated');
    assert.ok(traced && traced.deliveries.length >= 2, JSON.stringify(trace.body));
    for (const d of traced.deliveries) assert.deepEqual([d.status, d.heldBy], ['held', { holdId: hold.id, status: 'held' }]);
    // A later change of a held user carries active=false: it must not leak the deactivation.
    const renamed = stillActive[0]!;
    assert.equal((await scim('PATCH', `/Users/${renamed}`, patch({ op: 'replace', value: { displayName: 'Renamed While Held' } }))).status, 200);
    // A reactivation cancels the held deactivation: the user stays active downstream, the hold no longer lists them.
    const back = stillActive[1]!;
    assert.equal((await scim('PATCH', `/Users/${back}`, patch({ op: 'replace', value: { active: true } }))).status, 200);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    app = await appUsers(dir);
    assert.equal(app.get(renamed)?.active, true, 'the renamed held user is still active in the app');
    assert.equal(app.get(back)?.active, true);
    assert.deepEqual(app.get(back)?.roles, ['staff']);
    const afterCancel = (await api('GET', `/holds/${hold.id}`)).body as HoldBody;
    assert.ok(!afterCancel.wouldLoseAccess?.some((p) => p.userId === back), 'the reactivated user is no longer listed');
    assert.equal(afterCancel.counts.deactivations, hold.counts.deactivations - 1);
    assert.equal(afterCancel.counts.cancelled, 1);

    const released = await api('POST', `/holds/${hold.id}/release`, {});
    assert.equal(released.status, 200);
    assert.equal(released.body.status, 'released');
    assert.equal((await api('POST', `/holds/${hold.id}/release`, {})).status, 409);
    await waitFor('released events delivered', async () => {
      if (!(await allDelivered(env.db, dir.organizationId))) return false;
      const a = (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => ({ directoryUserId: u.directoryUserId, userName: u.userName, active: u.active }));
      return JSON.stringify(a) === JSON.stringify(await directoryAsAppUsers(env.db, dir.directoryId));
    }, 30_000);
    const drift = await reconcileDirectory(env.db, dir.directoryId, false);
    assert.equal(drift.driftCount, 0, JSON.stringify(drift));
    app = await appUsers(dir);
    assert.equal(app.get(renamed)?.active, false);
    assert.deepEqual(app.get(renamed)?.roles, []);
    // Released events reached the webhook too, in order per user: the deactivation before the rename.
    await waitFor('released webhooks', async () => receiver.received.filter((r) => r.body.resource.id === renamed && r.body.type !== 'user.created').length >= 2, 15_000);
    const forRenamed = receiver.received.filter((r) => r.body.resource.id === renamed && r.body.type !== 'user.created').map((r) => r.body.type);
    assert.deepEqual(forRenamed, ['user.deactivated', 'user.updated']);
    // And the events API shows the released events (re-issued after release), never the cancelled deactivation.
    const fed = (await feed(dir)).filter((e) => e.resource.id === renamed || e.resource.id === back).map((e) => `${e.type}:${e.resource.id === renamed ? 'renamed' : 'back'}`);
    assert.deepEqual(fed.filter((t) => !t.startsWith('user.created')), ['user.reactivated:back', 'user.deactivated:renamed', 'user.updated:renamed']);
    // The window starts afresh: the same events do not trip the breaker again.
    assert.equal((await holdsOf(dir)).filter((h) => h.status === 'held').length, 0);
  });

  it('a discard leaves them active, reported as drift with the reason, and repair does not undo it', async () => {
    const { dir, scim, ids } = await directoryOf(100);
    await deactivate(scim, ids.slice(0, 40));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const [hold] = await holdsOf(dir);
    assert.ok(hold);
    const discarded = await api('POST', `/holds/${hold.id}/discard`, { by: 'test' });
    assert.equal(discarded.status, 200);
    assert.equal(discarded.body.status, 'discarded');
    await new Promise((r) => setTimeout(r, 1000));
    const app = await appUsers(dir);
    const active = ids.slice(0, 40).filter((id) => app.get(id)?.active);
    assert.equal(active.length, hold.counts.deactivations);
    assert.ok(active.length >= 20);
    const report = (await api('POST', `/directories/${dir.directoryId}/reconcile`, { repair: true })).body;
    assert.ok(report.driftCount >= active.length);
    const stale = report.report.users.stale.items as { id: string; reason?: string }[];
    for (const id of active) assert.equal(stale.find((s) => s.id === id)?.reason, `discarded by hold ${hold.id}`);
    assert.ok((report.report.held.items as { id: string }[]).some((h) => h.id === active[0]));
    const after = await appUsers(dir);
    for (const id of active) assert.equal(after.get(id)?.active, true, 'repair keeps a discarded hold');
    // A discard is no permanent override: the next change Okta sends for such a person flows
    // (with its full state), and the roles the hold kept for them end.
    const again = active[0]!;
    assert.equal((await scim('PATCH', `/Users/${again}`, patch({ op: 'replace', value: { displayName: 'Still Gone' } }))).status, 200);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const later = await appUsers(dir);
    assert.equal(later.get(again)?.active, false);
    assert.deepEqual(later.get(again)?.roles, []);
    assert.equal(later.get(active[1]!)?.active, true, 'the others stay as they were');
    assert.deepEqual(later.get(active[1]!)?.roles, ['staff']);
  });

  it('membership removals that take a role away, and a group deletion, are held too: roles stay until release', async () => {
    const { dir, scim, ids } = await directoryOf(40);
    assert.equal((await api('POST', `/organizations/${dir.organizationId}/role-mappings`, { groupName: 'Admins', role: 'admin' })).status, 201);
    const admins = (await scim('POST', '/Groups', oktaGroup('Admins', ids.slice(35)))).body.id as string;
    const staff = (await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Staff"')}`)).body.Resources[0].id as string;
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    // One Okta push removes 30 people from the group that gives them their role.
    const removed = ids.slice(0, 30);
    assert.equal((await scim('PATCH', `/Groups/${staff}`, patch(...removed.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }))))).status, 204);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const [hold] = await holdsOf(dir);
    assert.ok(hold, 'a hold');
    assert.equal(hold.counts.roleRemovals, 11, 'the 20th removal trips: 19 flow, 11 are held');
    let app = await appUsers(dir);
    assert.equal(removed.filter((id) => app.get(id)?.roles.includes('staff')).length, 11);
    // A group deletion while the hold is open joins it: its members keep their role.
    assert.equal((await scim('DELETE', `/Groups/${admins}`)).status, 204);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const withGroup = (await api('GET', `/holds/${hold.id}`)).body as HoldBody;
    assert.equal(withGroup.counts.groupDeletions, 1);
    app = await appUsers(dir);
    for (const id of ids.slice(35)) {
      assert.ok(app.get(id)?.roles.includes('admin'), 'admins keep their role while the deletion is held');
      assert.ok(withGroup.wouldLoseAccess?.some((p) => p.userId === id && p.roles.includes('admin')));
    }
    assert.equal((await api('POST', `/holds/${hold.id}/release`, {})).status, 200);
    await waitFor('released', async () => (await allDelivered(env.db, dir.organizationId)) && (await reconcileDirectory(env.db, dir.directoryId, false)).driftCount === 0, 30_000);
    app = await appUsers(dir);
    assert.equal(removed.filter((id) => app.get(id)?.roles.includes('staff')).length, 0);
    for (const id of ids.slice(35)) assert.ok(!app.get(id)?.roles.includes('admin'));
  });

  it('thresholds are per directory: a directory can turn the breaker off', async () => {
    const { dir, scim, ids } = await directoryOf(50);
    const set = await api('PATCH', `/directories/${dir.directoryId}/breaker`, { enabled: false });
    assert.equal(set.status, 200);
    assert.equal(set.body.enabled, false);
    assert.equal(set.body.minCount, 20);
    await deactivate(scim, ids.slice(0, 30));
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId), 30_000);
    const app = await appUsers(dir);
    assert.equal(ids.slice(0, 30).filter((id) => app.get(id)?.active).length, 0);
    assert.deepEqual(await holdsOf(dir), []);
  });
});
