/**
 * Issue 13, requirement 2: directory health. Rejected SCIM requests are recorded with
 * their fields and never a client value; the 4xx share and its warning; retention by
 * age and per-directory cap; the per-operation trace; the admin API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { oktaGroup, oktaUser, patch } from '../support/okta-bodies';
import { adminClient } from '../admin/admin-client';
import { ScimHealthStore } from '../../src/store/scim-health-store';
import { RetentionPruner } from '../../src/worker/retention-pruner';
import { createLogger } from '../../src/log/logger';
import { PortalClient } from '../portal/portal-client';

const KEY = 'directory-health-admin-key-0123456789';

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('directory health', { timeout: 180_000 }, () => {
  let env: TestEnv;
  let dir: TestDirectory;
  let scim: ScimClient;
  let api: ReturnType<typeof adminClient>;
  /** A value no server text contains: sent in every place a client value can go. */
  const MARK = `mk${randomBytes(6).toString('hex')}`;

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: KEY, HEALTH_FLUSH_INTERVAL_MS: '100' } });
    dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
    api = adminClient(env.baseUrl, KEY);
  });
  after(async () => env.close());

  const rows = (directoryId: string) => env.db('scim_rejections').where({ directory_id: directoryId }).orderBy('id');

  it('records every 4xx of an authenticated directory with its fields, and never a value', async () => {
    const userName = `${MARK}@example.com`;
    const user = await scim('POST', '/Users', { ...oktaUser(userName), title: MARK });
    assert.equal(user.status, 201, user.text);
    const userId = user.body.id as string;
    const group = await scim('POST', '/Groups', oktaGroup(`Group ${MARK}`));
    assert.equal(group.status, 201, group.text);

    // Each: [request, expected status]. The marker sits in a body value, a filter literal, a path, a PATCH value or path filter, a query value.
    const sent: [Promise<{ status: number }>, number][] = [
      [scim('POST', '/Users', { ...oktaUser(userName), title: MARK }), 409], // worker: uniqueness
      [scim('GET', `/Users?filter=${encodeURIComponent(`nosuchattr eq "${MARK}"`)}`), 400], // unknown attribute
      [scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${MARK}`)}`), 400], // syntax error quoting the filter
      [scim('GET', `/Users?filter=${encodeURIComponent(`active eq "${MARK}"`)}`), 400], // type mismatch
      [scim('GET', `/Users?filter=${encodeURIComponent(`emails[value eq "${MARK}"] eq "x"`)}`), 400],
      [scim('GET', `/Users?count=${MARK}`), 400],
      [scim('GET', `/Users/${MARK}`), 404],
      [scim('GET', `/Users/${randomUUID()}`), 404],
      [scim('PUT', `/Users/${randomUUID()}`, oktaUser(userName)), 404], // worker: missing resource
      [scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: `emails[type eq "${MARK}"`, value: MARK })), 400], // invalid path at the edge
      [scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: `emails[value co "${MARK}-none"].type`, value: 'home' })), 400], // worker: noTarget
      [scim('PATCH', `/Users/${userId}`, patch({ op: 'replace', path: 'active', value: MARK })), 400], // worker: bad value
      [scim('PATCH', `/Groups/${group.body.id}`, patch({ op: 'add', path: 'members', value: [{ value: MARK }] })), 400], // worker: unknown member
      [scim('POST', '/Users', `{"userName":"${MARK}"`), 400], // bad JSON
      [scim('POST', '/Users', { ...oktaUser(MARK), userName: 42, displayName: MARK }), 400],
      [scim('GET', `/${MARK}`), 404],
    ];
    const results = await Promise.all(sent.map(([p]) => p));
    results.forEach((r, i) => assert.equal(r.status, sent[i]![1], `request ${i}: ${JSON.stringify(r).slice(0, 300)}`));
    // Unauthenticated 401s are not recorded per directory.
    const stranger = scimClient(dir.scimUrl, `dsk_${MARK}`);
    assert.equal((await stranger('GET', `/Users?filter=${encodeURIComponent(`userName eq "${MARK}"`)}`)).status, 401);

    const recorded = await until('all rejections recorded', async () => {
      const r = await rows(dir.directoryId);
      return r.length >= sent.length && r;
    });
    assert.equal(recorded.length, sent.length, 'one record per 4xx, none for the 401');
    const text = JSON.stringify(recorded);
    assert.ok(!text.includes(MARK), `a client value reached the record: ${text}`);
    assert.ok(!text.includes(dir.token) && !text.includes('dsk_'), 'no token');

    const byStatus = (status: number, method: string, path: string) => recorded.find((r) => r.status === status && r.method === method && r.path === path);
    const conflict = byStatus(409, 'POST', '/Users');
    assert.ok(conflict, text);
    assert.equal(conflict.scim_type, 'uniqueness');
    assert.equal(conflict.attribute, 'userName');
    assert.match(conflict.detail, /userName already exists/);
    assert.ok(conflict.at instanceof Date && Date.now() - conflict.at.getTime() < 60_000);
    assert.ok(conflict.request_id);
    assert.ok(recorded.some((r) => r.status === 400 && r.scim_type === 'invalidFilter' && r.attribute === 'nosuchattr' && r.path === '/Users'));
    assert.ok(recorded.some((r) => r.scim_type === 'invalidFilter' && r.detail === 'Invalid filter syntax'));
    assert.ok(recorded.some((r) => r.scim_type === 'invalidFilter' && r.attribute === 'active'));
    assert.ok(recorded.some((r) => r.attribute === 'count' && r.scim_type === 'invalidValue'));
    assert.ok(byStatus(404, 'GET', '/Users/{id}'), 'a non-uuid id is not kept');
    assert.ok(recorded.some((r) => r.status === 404 && r.method === 'GET' && /^\/Users\/[0-9a-f-]{36}$/.test(r.path) && r.detail === 'User not found'));
    assert.ok(recorded.some((r) => r.status === 404 && r.method === 'PUT' && r.detail === 'User not found'), 'the worker computed this 404');
    assert.ok(recorded.some((r) => r.method === 'PATCH' && r.scim_type === 'invalidPath' && r.detail === 'Invalid path'));
    assert.ok(recorded.some((r) => r.method === 'PATCH' && r.scim_type === 'noTarget' && r.attribute === 'emails[value co "…"].type'), text);
    assert.ok(recorded.some((r) => r.method === 'PATCH' && r.attribute === 'active' && r.scim_type === 'invalidValue'));
    assert.ok(recorded.some((r) => r.method === 'PATCH' && r.path.startsWith('/Groups/') && r.attribute === 'members' && r.detail === 'members reference 1 unknown user'));
    assert.ok(recorded.some((r) => r.scim_type === 'invalidSyntax' && r.detail === 'Request body is not valid JSON'));
    assert.ok(recorded.some((r) => r.attribute === 'userName' && r.status === 400));
    assert.ok(byStatus(404, 'GET', '/{other}'));

    // The request counters: every request of the directory (the two creates too), and the 4xx among them.
    const counts = await until('counters flushed', async () => {
      const c = await env.db('scim_request_counts').where({ directory_id: dir.directoryId }).first();
      return c && c.rejected >= sent.length && c;
    });
    assert.equal(counts.total, sent.length + 2);
    assert.equal(counts.rejected, sent.length);
  });

  it('the admin API lists them newest first, paged, and shows the share with its warning', async () => {
    const first = await api('GET', `/directories/${dir.directoryId}/rejected-requests?limit=5`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.data.length, 5);
    assert.ok(first.body.nextCursor);
    const times = first.body.data.map((r: { at: string }) => Date.parse(r.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const second = await api('GET', `/directories/${dir.directoryId}/rejected-requests?limit=5&before=${encodeURIComponent(first.body.nextCursor)}`);
    assert.equal(second.body.data.length, 5);
    assert.ok(second.body.data.every((r: { id: string }) => !first.body.data.some((f: { id: string }) => f.id === r.id)));
    assert.equal((await api('GET', `/directories/${dir.directoryId}/rejected-requests?before=nonsense`)).status, 400);
    assert.equal((await api('GET', `/directories/${randomUUID()}/rejected-requests`)).status, 404);
    assert.ok(!JSON.stringify(first.body).includes(MARK));

    // 16 of 18 requests rejected: far above 5 % (over at least 20 requests once a few more come in).
    for (let i = 0; i < 4; i++) assert.equal((await scim('GET', '/Users?count=1')).status, 200);
    const health = await until('share over 20 requests', async () => {
      const h = await api('GET', `/directories/${dir.directoryId}/health`);
      return h.body.lastHour.total >= 22 && h;
    });
    assert.equal(health.status, 200);
    assert.equal(health.body.lastHour.rejected, 16);
    assert.equal(health.body.lastHour.warning, true);
    assert.ok(Math.abs(health.body.lastHour.share - 16 / 22) < 1e-9);
    assert.equal(health.body.warnAbove, 0.05);

    // A healthy directory: no warning. Older traffic counts in the 24 h share only.
    const calm = await env.createDirectory();
    const calmScim = scimClient(calm.scimUrl, calm.token);
    for (let i = 0; i < 25; i++) assert.equal((await calmScim('GET', '/Users?count=1')).status, 200);
    assert.equal((await calmScim('GET', `/Users/${randomUUID()}`)).status, 404);
    const store = new ScimHealthStore(env.db);
    const fiveHoursAgo = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000);
    await store.addRequestCounts([{ directoryId: calm.directoryId, hour: fiveHoursAgo, total: 100, rejected: 50 }]);
    const calmHealth = await until('calm counters', async () => {
      const h = await api('GET', `/directories/${calm.directoryId}/health`);
      return h.body.lastHour.total >= 26 && h;
    });
    assert.equal(calmHealth.body.lastHour.warning, false, JSON.stringify(calmHealth.body));
    assert.equal(calmHealth.body.lastHour.rejected, 1);
    assert.equal(calmHealth.body.lastDay.total, 126);
    assert.equal(calmHealth.body.lastDay.rejected, 51);
    assert.equal(calmHealth.body.lastDay.warning, true);
  });

  it('retention: records older than RETENTION_REJECTIONS_DAYS go, and at most the cap is kept per directory', async () => {
    const other = await env.createDirectory();
    const store = new ScimHealthStore(env.db);
    const day = 86_400_000;
    const make = (directoryId: string, ageMs: number, i: number) => ({ directoryId, at: new Date(Date.now() - ageMs), method: 'GET', path: '/Users', status: 400, scimType: 'invalidFilter', detail: `case ${i}`, attribute: null, requestId: null });
    await store.insertRejections([
      ...Array.from({ length: 3 }, (_, i) => make(other.directoryId, 8 * day + i, i)),
      ...Array.from({ length: 12 }, (_, i) => make(other.directoryId, i * 1000, 100 + i)),
    ]);
    const old = new Date(Math.floor((Date.now() - 9 * day) / 3_600_000) * 3_600_000);
    await store.addRequestCounts([{ directoryId: other.directoryId, hour: old, total: 5, rejected: 5 }]);
    const pruner = new RetentionPruner(env.db, { eventsDays: 0, operationsDays: 0, deliveriesDays: 0, batchSize: 4, pauseMs: 0, rejectionsDays: 7, rejectionsMaxPerDirectory: 10 }, createLogger('silent', 'test'));
    const run = await pruner.runOnce();
    assert.equal(run.skipped, false);
    const left = await env.db('scim_rejections').where({ directory_id: other.directoryId }).orderBy('at', 'desc').select('detail');
    assert.deepEqual(left.map((r) => r.detail), Array.from({ length: 10 }, (_, i) => `case ${100 + i}`), 'the 10 newest are kept');
    assert.equal(await env.db('scim_request_counts').where({ directory_id: other.directoryId }).first(), undefined, 'old counters go too');
    assert.equal((await rows(dir.directoryId)).length, 10, 'the cap applies to every directory (this one had 16)');
    const healthy = await env.createDirectory();
    await store.insertRejections([make(healthy.directoryId, 1000, 1)]);
    await pruner.runOnce();
    assert.equal((await rows(healthy.directoryId)).length, 1, 'a directory under the cap and the age keeps its records');
  });

  it('the trace of an operation: request, operation, events, each sink delivery', async () => {
    // A webhook nobody listens on: its first event fails and is retried, the ones behind it wait.
    const port = await closedPort();
    const sink = await api('POST', `/organizations/${dir.organizationId}/sinks`, { url: `http://127.0.0.1:${port}/hook`, name: 'down' });
    assert.equal(sink.status, 201, JSON.stringify(sink.body));
    const user = await scim('POST', '/Users', oktaUser(`trace-${MARK}@example.com`));
    assert.equal(user.status, 201);
    const group = await scim('POST', '/Groups', oktaGroup('Traced'));
    const add = await scim('PATCH', `/Groups/${group.body.id}`, patch({ op: 'add', path: 'members', value: [{ value: user.body.id }] }));
    assert.equal(add.status, 204, add.text);
    const ops = await api('GET', `/directories/${dir.directoryId}/operations?limit=5`);
    assert.equal(ops.status, 200);
    // Paging the write log with its cursor: every operation once (creates applied together share applied_at).
    const seen: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages < 100; pages++) {
      const pageOf: { body: { data: { id: string }[]; nextCursor: string | null } } = await api('GET', `/directories/${dir.directoryId}/operations?limit=3${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...pageOf.body.data.map((o) => o.id));
      cursor = pageOf.body.nextCursor;
      if (!cursor) break;
    }
    const counted = await env.db('operations').where({ directory_id: dir.directoryId }).count<{ count: string }[]>({ count: '*' });
    const count = Number(counted[0]?.count);
    assert.ok(count > 5);
    assert.equal(new Set(seen).size, count);
    assert.equal(seen.length, count);
    assert.equal((await api('GET', `/directories/${dir.directoryId}/operations?before=yesterday`)).status, 400);
    const op = ops.body.data.find((o: { method: string; resourceType: string; status: number }) => o.method === 'PATCH' && o.resourceType === 'Group' && o.status === 204);
    assert.ok(op, JSON.stringify(ops.body));

    const trace = await until('delivered to the app model', async () => {
      const t = await api('GET', `/directories/${dir.directoryId}/operations/${op.id}/trace`);
      return t.body.events?.length && t.body.events.every((e: { deliveries: { sinkKind: string; status: string }[] }) => e.deliveries.some((d) => d.sinkKind === 'app_model' && d.status === 'delivered')) && t;
    });
    assert.equal(trace.status, 200);
    const t = trace.body;
    assert.equal(t.request.method, 'PATCH');
    assert.equal(t.request.resourceId, group.body.id);
    assert.match(t.request.summary, /^PATCH \/Groups\/.+ ops=add:members$/);
    assert.ok(t.request.requestId);
    assert.equal(t.operation.id, op.id);
    assert.equal(t.operation.status, 204);
    assert.ok(t.operation.queueMs >= 0 && t.operation.applyMs >= 0);
    assert.equal(t.operation.attempts, 1);
    assert.equal(t.eventCount, t.events.length);
    const added = t.events.find((e: { type: string }) => e.type === 'group.user_added');
    assert.ok(added, JSON.stringify(t.events));
    assert.equal(added.resourceId, group.body.id);
    assert.ok(added.resourceVersion >= 2);
    assert.ok(Number.isInteger(added.sequence) && added.sequence > 0);
    const appModel = added.deliveries.find((d: { sinkKind: string }) => d.sinkKind === 'app_model');
    assert.ok(appModel);
    assert.equal(appModel.status, 'delivered');
    assert.ok(appModel.deliveredBy);
    assert.equal(appModel.heldBy, undefined);
    const hook = added.deliveries.find((d: { sinkId: string }) => d.sinkId === sink.body.id);
    assert.equal(hook.status, 'pending', 'behind the failing head event of its sink');
    assert.equal(hook.deliveredAt, null);

    // The user's creation is the webhook's head event: it failed and is being retried.
    const created = (await api('GET', `/directories/${dir.directoryId}/operations?limit=10`)).body.data.find((o: { resourceId: string; method: string }) => o.method === 'POST' && o.resourceId === user.body.id);
    assert.ok(created);
    const head = await until('a failed attempt recorded', async () => {
      const ct = await api('GET', `/directories/${dir.directoryId}/operations/${created.id}/trace`);
      const d = ct.body.events?.[0]?.deliveries.find((x: { sinkId: string }) => x.sinkId === sink.body.id);
      // Recorded means attempts ≥ 1: the row also exists (attempts 0) while the first attempt is under way.
      return d?.status === 'retrying' && d.attempts >= 1 && d;
    });
    assert.equal(created.resourceType, 'User');
    assert.ok(head.attempts >= 1);
    assert.equal(head.lastError, 'connection failed');
    assert.ok(head.nextAttemptAt);
    assert.equal((await api('DELETE', `/organizations/${dir.organizationId}/sinks/${sink.body.id}`)).status, 204);

    // A rejected write has an operation too: its trace says why (value-free) and has no events.
    const bad = await scim('PATCH', `/Groups/${group.body.id}`, patch({ op: 'add', path: 'members', value: [{ value: MARK }] }));
    assert.equal(bad.status, 400);
    const list = await api('GET', `/directories/${dir.directoryId}/operations?limit=1`);
    const badTrace = await api('GET', `/directories/${dir.directoryId}/operations/${list.body.data[0].id}/trace`);
    assert.equal(badTrace.body.operation.status, 400);
    assert.equal(badTrace.body.operation.detail, 'members reference 1 unknown user');
    assert.deepEqual(badTrace.body.events, []);
    assert.ok(!JSON.stringify(badTrace.body).includes(MARK));

    assert.equal((await api('GET', `/directories/${dir.directoryId}/operations/${randomUUID()}/trace`)).status, 404);
    assert.equal((await api('GET', `/directories/${dir.directoryId}/operations/not-an-id/trace`)).status, 404);
    const stranger = await env.createDirectory();
    assert.equal((await api('GET', `/directories/${stranger.directoryId}/operations/${op.id}/trace`)).status, 404, 'an operation of another directory');
  });

  it('the portal: the Rejected tab, the overview warning, the trace behind an activity row', async () => {
    const link = await api('POST', `/organizations/${dir.organizationId}/portal-links`, {});
    assert.equal(link.status, 201);
    const portal = new PortalClient(env.baseUrl);
    assert.equal((await portal.open(link.body.url)).status, 303);
    const base = `/portal/directories/${dir.directoryId}`;

    const rejected = await portal.get(`${base}/rejected`);
    assert.equal(rejected.status, 200);
    assert.match(rejected.text, /aria-current="page">Rejected</);
    assert.match(rejected.text, /data-testid="rejected-table"/);
    assert.match(rejected.text, /<code class="request">PATCH \/Users\/[0-9a-f-]{36}<\/code>/);
    assert.match(rejected.text, /members reference 1 unknown user/);
    assert.ok(!rejected.text.includes(MARK), 'no client value in the page');
    assert.equal((await portal.get(`${base}/rejected?before=2026-13-45`)).status, 400);

    const overview = await portal.get(base);
    assert.match(overview.text, /data-testid="health-warning"/);
    assert.match(overview.text, /quarantine/);
    assert.match(overview.text, /Rejected requests \(4xx\)/);

    const activity = await portal.get(`${base}/activity`);
    const opId = /href="\/portal\/directories\/[0-9a-f-]{36}\/activity\/([0-9a-f-]{36})"/.exec(activity.text)?.[1];
    assert.ok(opId, 'activity rows link to their trace');
    const trace = await portal.get(`${base}/activity/${opId}`);
    assert.equal(trace.status, 200);
    for (const step of ['1. Request', '2. Operation', '3. Events', '4. Delivery', 'Queue wait', 'Apply time', 'Attempts']) assert.ok(trace.text.includes(step), step);
    assert.equal((await portal.get(`${base}/activity/${randomUUID()}`)).status, 404);

    // Another organization's directory: the same 404 as a missing one.
    const other = await env.createDirectory();
    assert.equal((await portal.get(`/portal/directories/${other.directoryId}/rejected`)).status, 404);
  });
});

/** A loopback port with no listener (connections are refused). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
