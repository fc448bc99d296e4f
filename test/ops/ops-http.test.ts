import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { throttleStats } from '../../src/ops/throttle-stats';

const KEY = 'ops-test-admin-key-0123456789';
const basic = (password: string, user = 'ops') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const USER = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Ops', familyName: 'Test' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  active: true,
});

describe('ops endpoints: Bull Board, /metrics, rate limits', () => {
  let env: TestEnv;
  let dir: TestDirectory;

  before(async () => {
    env = await createTestEnv({
      env: { ADMIN_API_KEY: KEY, SCIM_RATE_LIMIT: '6', SCIM_RATE_LIMIT_WINDOW_SECONDS: '3600', SCIM_AUTH_FAILURE_LIMIT: '3', SCIM_AUTH_FAILURE_WINDOW_SECONDS: '3600' },
    });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('/healthz and /readyz answer 200 with every check true', async () => {
    assert.equal((await fetch(`${env.baseUrl}/healthz`)).status, 200);
    const ready = await fetch(`${env.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { postgres: true, redis: true, migrations: true });
  });

  it('/readyz is 503 while a migration is pending', async () => {
    const [last] = await env.db('knex_migrations').orderBy('id', 'desc').limit(1);
    await env.db('knex_migrations').where({ id: last.id }).del();
    try {
      const res = await fetch(`${env.baseUrl}/readyz`);
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { checks: { migrations: boolean } }).checks.migrations, false);
    } finally {
      await env.db('knex_migrations').insert(last);
    }
    assert.equal((await fetch(`${env.baseUrl}/readyz`)).status, 200);
  });

  it('Bull Board is 401 without credentials or with a wrong password', async () => {
    const none = await fetch(`${env.baseUrl}/ops/queues`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.equal((await fetch(`${env.baseUrl}/ops/queues/api/queues`, { headers: { Authorization: basic('wrong-password-0123456789') } })).status, 401);
    assert.equal((await fetch(`${env.baseUrl}/ops/queues/api/queues`, { headers: { Authorization: `Bearer ${KEY}` } })).status, 401);
  });

  it('Bull Board with the admin key (any user) serves the page, its assets and every queue, read-only', async () => {
    const page = await fetch(`${env.baseUrl}/ops/queues`, { headers: { Authorization: basic(KEY, 'anyone') } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<base href="\/ops\/queues\/"/);
    const script = /src="(static\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'page references its bundle');
    const asset = await fetch(`${env.baseUrl}/ops/queues/${script}`, { headers: { Authorization: basic(KEY) } });
    assert.equal(asset.status, 200);
    assert.ok((await asset.arrayBuffer()).byteLength > 10_000);

    const api = await fetch(`${env.baseUrl}/ops/queues/api/queues`, { headers: { Authorization: basic(KEY) } });
    assert.equal(api.status, 200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    assert.deepEqual(body.queues.map((q) => q.name).sort(), ['reconcile', 'scim'], 'delivery has no queue: the outbox drainer reads PostgreSQL');
    assert.ok(body.queues.every((q) => q.readOnlyMode), 'read-only unless OPS_BOARD_WRITE');
  });

  it('/metrics needs Basic auth and then shows SCIM traffic by method/resource/status and queue depth', async () => {
    assert.equal((await fetch(`${env.baseUrl}/metrics`)).status, 401);
    const scim = scimClient(dir.scimUrl, dir.token);
    assert.equal((await scim('POST', '/Users', USER('metrics@example.com'))).status, 201);
    assert.equal((await scim('GET', '/Users?filter=userName%20eq%20%22metrics%40example.com%22')).status, 200);
    const res = await fetch(`${env.baseUrl}/metrics`, { headers: { Authorization: basic(KEY) } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /dirsync_scim_requests_total\{method="POST",resource="Users",status="201"\} 1/);
    assert.match(text, /dirsync_scim_request_duration_seconds_bucket\{le="\+Inf",method="GET",resource="Users",status="200"\} 1/);
    assert.match(text, /dirsync_queue_jobs\{queue="scim",state="completed"\} 1/);
    for (const q of ['scim', 'reconcile']) assert.match(text, new RegExp(`dirsync_queue_jobs\\{queue="${q}",state="waiting"\\} \\d+`));
    assert.match(text, /dirsync_queue_processing_seconds\{queue="scim",stat="max"\} [0-9.e-]+/);
    assert.match(text, /dirsync_delivery_lag_seconds [0-9.e+-]+/);
    assert.doesNotMatch(text, new RegExp(dir.directoryId), 'no ids in labels');
  });

  it('a directory over its limit gets 429 SCIM errors with Retry-After, counted in metrics and throttleStats', async () => {
    const other = await env.createDirectory();
    const scim = scimClient(other.scimUrl, other.token);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 8; i++) {
      last = await scim('GET', '/Users?count=1');
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    assert.ok(Number(last?.headers.get('retry-after')) >= 1);
    assert.equal(last?.body.status, '429');
    assert.deepEqual(last?.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    // Another directory is unaffected.
    assert.equal((await scimClient(dir.scimUrl, dir.token)('GET', '/Users?count=1')).status, 200);
    const stats = await throttleStats(env.redis, { prefix: env.config.queuePrefix, limit: 6, windowSeconds: 3600 }, other.directoryId);
    assert.equal(stats.throttledTotal, 2);
    assert.ok(stats.lastThrottledAt instanceof Date);
    assert.equal(stats.currentWindowCount, 8);
    const text = await (await fetch(`${env.baseUrl}/metrics`, { headers: { Authorization: basic(KEY) } })).text();
    assert.match(text, /dirsync_scim_throttled_total\{reason="directory"\} 2/);
  });

  it('an IP that keeps failing authentication gets 429 before its token is checked', async () => {
    const target = await env.createDirectory();
    const wrong = scimClient(target.scimUrl, 'x'.repeat(43));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await wrong('GET', '/Users')).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    // Even the right token is refused from that address for the rest of the window.
    const right = await scimClient(target.scimUrl, target.token)('GET', '/Users');
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) >= 1);
    await env.redis.del(...(await env.redis.keys(`${env.config.queuePrefix}:rl:authfail:*`)));
    assert.equal((await scimClient(target.scimUrl, target.token)('GET', '/Users')).status, 200);
  });
});
