import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { DirectoryStore } from '../../src/store/directory-store';
import { AppModelStore } from '../../src/app-model/app-model-store';
import { toStoredEvent } from '../../src/store/event-store';
import { applyToAppModel } from '../../src/app-model/app-model-sink';
import { reconcileDirectory } from '../../src/app-model/reconcile-directory';
import { EVENT_TYPES } from '../../src/events/event-types';
import { GROUP_SCHEMA, PATCH_SCHEMA, WebhookReceiver, allDelivered, directoryAsAppUsers, flushPrefix, oktaUser, waitFor } from './delivery-helpers';

const ADMIN_KEY = 'test-admin-key-0123456789';

describe('delivery into the app user model and webhooks', () => {
  let env: TestEnv;
  const receivers: WebhookReceiver[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${env.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** Okta retries a request answered 503; so do we (bounded). */
  const retrying = (scim: ScimClient): ScimClient => async (method, path, body, headers) => {
    for (let i = 0; ; i++) {
      const res = await scim(method, path, body, headers);
      if (res.status !== 503 || i >= 10) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  async function webhookFor(dir: TestDirectory): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    const res = await api('POST', `/organizations/${dir.organizationId}/sinks`, { url, name: 'test app' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.secret = res.body.secret;
    const listed = await api('GET', `/organizations/${dir.organizationId}/sinks`);
    assert.equal(listed.body.data.length, 2, 'built-in app model sink plus the webhook');
    assert.ok(listed.body.data.every((s: Record<string, unknown>) => !('secret' in s)), 'the secret is never shown again');
    return receiver;
  }

  async function outbox(organizationId: string) {
    return (await env.db('events').where({ organization_id: organizationId }).orderBy(['directory_id', 'seq'])).map(toStoredEvent);
  }

  async function assertAppModelEqualsDirectory(dir: TestDirectory) {
    const app = (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => ({ directoryUserId: u.directoryUserId, userName: u.userName, active: u.active }));
    assert.deepEqual(app, await directoryAsAppUsers(env.db, dir.directoryId));
    const drift = await reconcileDirectory(env.db, dir.directoryId, false);
    assert.equal(drift.driftCount, 0, JSON.stringify(drift));
  }

  before(async () => {
    env = await createTestEnv({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        DELIVERY_MAX_ATTEMPTS: '5',
        DELIVERY_BACKOFF_BASE_MS: '50',
        DELIVERY_BACKOFF_MAX_MS: '400',
        DELIVERY_SWEEP_INTERVAL_MS: '250',
        DELIVERY_WEBHOOK_TIMEOUT_MS: '2000',
        RECONCILE_INTERVAL_MS: '2000',
        // Scheduled runs only report here, so the hand-made drift below stays until the test repairs it.
        RECONCILE_REPAIR_ON_SCHEDULE: 'false',
      },
    });
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await env.close();
  });

  let lifecycleDir: TestDirectory;
  /** When the lifecycle test's directory was fully delivered: a scheduled report from before may have seen events in flight. */
  let lifecycleSettledAt = new Date();

  it('every event type, from Okta-shaped requests, reaches the app model and a signed webhook exactly once', async () => {
    const dir = (lifecycleDir = await env.createDirectory());
    const receiver = await webhookFor(dir);
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    const jane = (await scim('POST', '/Users', oktaUser('jane@example.com'))).body.id as string;
    const bob = (await scim('POST', '/Users', oktaUser('bob@example.com', 'Bob', 'Smith'))).body.id as string;
    assert.equal((await scim('PATCH', `/Users/${jane}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] })).status, 200);
    assert.equal((await scim('PATCH', `/Users/${jane}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: true } }] })).status, 200);
    const before = (await outbox(dir.organizationId)).length;
    // A no-op (Entra's periodic active=true on an active user) emits nothing.
    assert.equal((await scim('PATCH', `/Users/${jane}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: true } }] })).status, 200);
    assert.equal((await outbox(dir.organizationId)).length, before);
    assert.equal((await scim('PUT', `/Users/${jane}`, { ...oktaUser('jane@example.com', 'Janet', 'Doe'), id: jane })).status, 200);
    const group = (await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Avengers', members: [{ value: jane }] })).body.id as string;
    await scim('PATCH', `/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { id: group, displayName: 'Avengers Assemble' } }] });
    await scim('PATCH', `/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: bob }] }, { op: 'remove', path: `members[value eq "${jane}"]` }] });
    assert.equal((await scim('DELETE', `/Groups/${group}`)).status, 204);
    assert.equal((await scim('DELETE', `/Users/${bob}`)).status, 204);
    const dirs = new DirectoryStore(env.db);
    await dirs.setStatus(dir.directoryId, 'disabled');
    await dirs.setStatus(dir.directoryId, 'disabled'); // no change: no event
    await dirs.setStatus(dir.directoryId, 'active');
    // An attribute mapping change re-projects the remaining user through the outbox (user.attributes_changed).
    assert.equal((await api('PUT', `/organizations/${dir.organizationId}/attribute-mapping`, { attributes: [{ name: 'firstName', path: 'name.givenName' }] })).status, 200);
    await waitFor('re-projection written', async () => (await env.db('attribute_reprojections').where({ organization_id: dir.organizationId }).first('status'))?.status === 'done');

    // directory.* events come from the portal/admin path, not a scim job: the drainer's poll finds them.
    await waitFor('every event delivered to every sink', () => allDelivered(env.db, dir.organizationId));
    const events = await outbox(dir.organizationId);
    // directory.sync_held comes from the circuit breaker, not a request (test/delivery/circuit-breaker.test.ts).
    assert.deepEqual(new Set(events.map((e) => e.type)), new Set(EVENT_TYPES.filter((t) => t !== 'directory.sync_held')));
    assert.equal(events.filter((e) => e.type.startsWith('directory.')).length, 2);
    for (const e of events) {
      assert.ok(e.id && e.organizationId === dir.organizationId && e.directoryId === dir.directoryId && (e.seq ?? 0) > 0 && e.resourceVersion > 0 && e.occurredAt instanceof Date);
      assert.ok(e.data['resource'] || (e.data['group'] && e.data['user']), `${e.type} carries the state after the change`);
    }
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gapless per-directory sequence');

    assert.ok(receiver.received.length >= events.length);
    assert.ok(receiver.received.every((r) => r.verified), 'every webhook signature verifies');
    assert.ok(receiver.received.every((r) => r.id === r.body.id), 'webhook-id is the event id');
    assert.deepEqual([...receiver.okCounts().keys()].sort(), events.map((e) => e.id).sort());
    assert.ok([...receiver.okCounts().values()].every((n) => n === 1));
    await assertAppModelEqualsDirectory(dir);
    const [appJane] = await new AppModelStore(env.db).listAppUsers(dir.organizationId);
    assert.equal(appJane?.givenName, 'Janet');
    assert.equal(appJane?.email, 'jane@example.com');
    assert.deepEqual(appJane?.attributes, { firstName: 'Janet' });
    lifecycleSettledAt = new Date();
  });

  it('npx dirsync app-users --org <name> --json prints the app model', async () => {
    const org = await env.db('organizations').where({ id: lifecycleDir.organizationId }).first('name');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'app-users', '--org', (org as { name: string }).name, '--json'], {
      env: { ...process.env, DATABASE_URL: env.config.databaseUrl, REDIS_URL: env.config.redisUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    const users = JSON.parse(stdout) as { directoryUserId: string; userName: string; active: boolean; roles: string[] }[];
    assert.deepEqual(users.map((u) => ({ directoryUserId: u.directoryUserId, userName: u.userName, active: u.active })), await directoryAsAppUsers(env.db, lifecycleDir.directoryId));
    assert.ok(users.every((u) => Array.isArray(u.roles)));
  });

  it('the events API pages through every event in order with a cursor that never skips', async () => {
    const events = await outbox(lifecycleDir.organizationId);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await api('GET', `/organizations/${lifecycleDir.organizationId}/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.data.length <= 3);
      seen.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
      if (!res.body.hasMore) break;
    }
    assert.deepEqual(seen, events.map((e) => e.id));
    const empty = await api('GET', `/organizations/${lifecycleDir.organizationId}/events?cursor=${cursor}`);
    assert.deepEqual(empty.body.data, []);
    assert.equal((await api('GET', `/organizations/${lifecycleDir.organizationId}/events?cursor=bogus`)).status, 400);
  });

  it('a sink failing N times (500, 429 + Retry-After, 503) then succeeding gets each event once in effect', async () => {
    const dir = await env.createDirectory();
    const receiver = await webhookFor(dir);
    receiver.respond = (_b, attempt) =>
      attempt === 1 ? { status: 500 } : attempt === 2 ? { status: 429, headers: { 'retry-after': '1' } } : attempt === 3 ? { status: 503 } : { status: 200 };
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    for (const name of ['a@example.com', 'b@example.com']) assert.equal((await scim('POST', '/Users', oktaUser(name))).status, 201);
    await waitFor('deliveries after retries', () => allDelivered(env.db, dir.organizationId), 20_000);
    const events = await outbox(dir.organizationId);
    assert.deepEqual([...receiver.okCounts().entries()].sort(), events.map((e) => [e.id, 1]).sort());
    for (const e of events) {
      const tries = receiver.received.filter((r) => r.body.id === e.id);
      assert.deepEqual(tries.map((t) => t.status), [500, 429, 503, 200]);
      assert.ok((tries[2]?.at ?? 0) - (tries[1]?.at ?? 0) >= 950, 'Retry-After: 1 honoured');
    }
    // The 429 + Retry-After asked us to wait: it does not use an attempt (docs/delivery.md); 500, 503 and 200 do.
    const rows = await env.db('deliveries').whereIn('event_id', events.map((e) => e.id)).andWhere('attempts', 3);
    assert.equal(rows.length, events.length, 'attempts recorded in PostgreSQL');
    await assertAppModelEqualsDirectory(dir);
  });

  it('reordered and duplicated deliveries leave the app model equal to the directory', async () => {
    const dir = await env.createDirectory();
    assert.equal((await api('POST', `/organizations/${dir.organizationId}/role-mappings`, { groupName: 'Ops', role: 'operator' })).status, 201);
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await scim('POST', '/Users', oktaUser(`u${i}@example.com`))).body.id);
    const ops = (await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ops', members: ids.slice(0, 3).map((value) => ({ value })) })).body.id as string;
    await scim('PATCH', `/Users/${ids[1]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] });
    await scim('PATCH', `/Users/${ids[2]}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { displayName: 'Renamed' } }] });
    await scim('PATCH', `/Groups/${ops}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${ids[0]}"]` }, { op: 'add', path: 'members', value: [{ value: ids[4] }] }] });
    await scim('DELETE', `/Users/${ids[3]}`);
    await waitFor('delivered', () => allDelivered(env.db, dir.organizationId));
    await assertAppModelEqualsDirectory(dir);

    // Replay the whole outbox against an empty app model, shuffled and with duplicates.
    for (const t of ['app_memberships', 'app_groups', 'app_users']) await env.db(t).where({ organization_id: dir.organizationId }).delete();
    const events = await outbox(dir.organizationId);
    const shuffled = [...events, ...events, ...events.filter((_, i) => i % 2 === 0)].sort(() => Math.random() - 0.5);
    for (const e of shuffled) await env.db.transaction((trx) => applyToAppModel(trx, e));
    await assertAppModelEqualsDirectory(dir);
    const roles = Object.fromEntries((await new AppModelStore(env.db).listAppUsers(dir.organizationId)).map((u) => [u.directoryUserId, u.roles]));
    assert.deepEqual(roles[ids[0] as string], []);
    assert.deepEqual(roles[ids[1] as string], [], 'a deactivated member loses its roles');
    assert.deepEqual(roles[ids[2] as string], ['operator']);
    assert.deepEqual(roles[ids[4] as string], ['operator']);
  });

  it('Redis flushed mid-stream: every acknowledged change still reaches every sink', async () => {
    const dir = await env.createDirectory();
    const receiver = await webhookFor(dir);
    // Park the webhook's head event on a 30 s Retry-After, so the flush hits a sink with pending work.
    receiver.respond = () => ({ status: 503, headers: { 'retry-after': '30' } });
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    for (let i = 0; i < 4; i++) assert.equal((await scim('POST', '/Users', oktaUser(`pre${i}@example.com`))).status, 201);
    await waitFor('first attempt made and recorded', async () => receiver.received.length >= 1 && Boolean(await env.db('deliveries').where({ organization_id: dir.organizationId, status: 'pending' }).first()));
    const removed = await flushPrefix(env.redis, env.config.queuePrefix);
    assert.ok(removed > 0);
    receiver.respond = () => ({ status: 204 });
    // Retry-After 30 s was recorded in PostgreSQL; make the retries due now, as if time had passed.
    await env.db('deliveries').where({ organization_id: dir.organizationId, status: 'pending' }).update({ next_attempt_at: env.db.raw(`now() - interval '1 hour'`) });
    for (let i = 0; i < 4; i++) assert.equal((await scim('POST', '/Users', oktaUser(`post${i}@example.com`))).status, 201);
    await waitFor('everything delivered after the flush', () => allDelivered(env.db, dir.organizationId), 20_000);
    const events = await outbox(dir.organizationId);
    assert.deepEqual([...receiver.okCounts().keys()].sort(), events.map((e) => e.id).sort());
    await assertAppModelEqualsDirectory(dir);
  });

  it('dead letter (permanent 4xx, or attempts exhausted), listed, then replayed', async () => {
    const dir = await env.createDirectory();
    const receiver = await webhookFor(dir);
    receiver.respond = (b) => ({ status: b.type === 'user.created' ? 400 : 500 });
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    const id = (await scim('POST', '/Users', oktaUser('dead@example.com'))).body.id as string;
    await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { displayName: 'Dead Letter' } }] });
    await waitFor('two dead letters', async () => (await api('GET', `/organizations/${dir.organizationId}/dead-letters`)).body.data.length === 2);
    const letters = (await api('GET', `/organizations/${dir.organizationId}/dead-letters`)).body.data as { eventType: string; attempts: number; lastStatus: number }[];
    const byType = Object.fromEntries(letters.map((l) => [l.eventType, l]));
    assert.equal(byType['user.created']?.attempts, 1, '400 is permanent: no retry');
    assert.equal(byType['user.created']?.lastStatus, 400);
    assert.equal(byType['user.updated']?.attempts, 5, 'DELIVERY_MAX_ATTEMPTS attempts, then a dead letter');
    assert.equal(await allDelivered(env.db, dir.organizationId), false);

    receiver.respond = () => ({ status: 200 });
    const replay = await api('POST', `/organizations/${dir.organizationId}/dead-letters/replay`, { all: true });
    assert.deepEqual(replay.body, { replayed: 2, enqueued: true });
    await waitFor('replayed deliveries', () => allDelivered(env.db, dir.organizationId));
    assert.deepEqual((await api('GET', `/organizations/${dir.organizationId}/dead-letters`)).body.data, []);
    assert.equal(receiver.okCounts().size, 2);
  });

  let rolesDir: TestDirectory;
  it('role mappings: added, group renamed, user deactivated, mapping removed', async () => {
    const dir = (rolesDir = await env.createDirectory());
    const scim = retrying(scimClient(dir.scimUrl, dir.token));
    const jane = (await scim('POST', '/Users', oktaUser('jane@example.com'))).body.id as string;
    const group = (await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Avengers', members: [{ value: jane }] })).body.id as string;
    const rolesOf = async () => {
      await waitFor('delivered', () => allDelivered(env.db, dir.organizationId));
      return (await new AppModelStore(env.db).listAppUsers(dir.organizationId)).find((u) => u.directoryUserId === jane);
    };
    assert.deepEqual((await rolesOf())?.roles, []);
    const mapping = await api('POST', `/organizations/${dir.organizationId}/role-mappings`, { groupName: 'avengers', role: 'admin' });
    assert.equal(mapping.status, 201);
    assert.deepEqual((await rolesOf())?.roles, ['admin']);
    await scim('PATCH', `/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { displayName: 'Former Avengers' } }] });
    assert.deepEqual((await rolesOf())?.roles, [], 'rename away from the mapped name');
    await scim('PATCH', `/Groups/${group}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { displayName: 'Avengers' } }] });
    assert.deepEqual((await rolesOf())?.roles, ['admin']);
    await scim('PATCH', `/Users/${jane}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: false } }] });
    const suspended = await rolesOf();
    assert.equal(suspended?.status, 'suspended');
    assert.deepEqual(suspended?.roles, []);
    await scim('PATCH', `/Users/${jane}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active: true } }] });
    assert.deepEqual((await rolesOf())?.roles, ['admin']);
    assert.equal((await api('DELETE', `/organizations/${dir.organizationId}/role-mappings/${mapping.body.id}`)).status, 204);
    assert.deepEqual((await rolesOf())?.roles, []);
    await api('POST', `/organizations/${dir.organizationId}/role-mappings`, { groupName: 'Avengers', role: 'admin' });
    assert.deepEqual((await rolesOf())?.roles, ['admin']);
  });

  it('drift made by hand in the app model is found, reported, and repaired', async () => {
    const dir = rolesDir;
    const [jane] = await new AppModelStore(env.db).listAppUsers(dir.organizationId);
    assert.ok(jane);
    await env.db('app_users').where({ directory_user_id: jane.directoryUserId }).update({ user_name: 'hacked@example.com', roles: '{superuser}' });
    await env.db('app_memberships').where({ directory_user_id: jane.directoryUserId }).delete();
    await env.db('app_users').insert({ directory_user_id: '00000000-0000-4000-8000-000000000001', organization_id: dir.organizationId, directory_id: dir.directoryId, user_name: 'ghost@example.com', status: 'active', version: 1 });

    const found = await api('POST', `/directories/${dir.directoryId}/reconcile`, {});
    assert.equal(found.status, 200);
    const r = found.body.report;
    assert.deepEqual(r.users.stale.items, [{ id: jane.directoryUserId, fields: ['user_name'] }]);
    assert.deepEqual(r.users.extra.items, ['00000000-0000-4000-8000-000000000001']);
    assert.equal(r.memberships.missing.count, 1);
    assert.deepEqual(r.roles.stale.items, [{ userId: jane.directoryUserId, expected: ['admin'], actual: ['superuser'] }]);
    assert.equal(r.repaired, false);

    const repaired = await api('POST', `/directories/${dir.directoryId}/reconcile`, { repair: true });
    assert.equal(repaired.body.report.repaired, true);
    await assertAppModelEqualsDirectory(dir);
    assert.deepEqual((await new AppModelStore(env.db).listAppUsers(dir.organizationId))[0]?.roles, ['admin']);
    const reports = await api('GET', `/directories/${dir.directoryId}/reconcile-reports`);
    assert.deepEqual(reports.body.data.filter((x: { trigger: string }) => x.trigger === 'manual').map((x: { repair: boolean }) => x.repair), [true, false]);
  });

  it('the reconcile job scheduler reconciles every directory on its interval', async () => {
    const scheduled = () => env.db('reconcile_reports').where({ directory_id: lifecycleDir.directoryId, trigger: 'schedule' }).where('started_at', '>', lifecycleSettledAt).orderBy('started_at', 'desc').first();
    await waitFor('a scheduled report', async () => Boolean(await scheduled()), 10_000);
    const report = await scheduled();
    assert.equal(report.drift_count, 0, JSON.stringify(report.report));
  });
});
