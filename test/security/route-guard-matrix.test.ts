import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { rawRequest } from '../support/raw-http';
import { ADMIN_KEY } from '../admin/admin-client';
import { PortalClient, hiddenField } from '../portal/portal-client';
import { scimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { mountedRouters } from '../../src/main/create-app';
import { issuePortalLink } from '../../src/portal-access/portal-link';
import { createOpsQueues } from '../../src/ops/ops-queues';
import { SinkStore } from '../../src/store/sink-store';
import { nonCanonicalReason } from '../../src/http/shared/canonical-path';
import { spellingVariants } from '../support/path-spellings';
import { waitFor } from '../delivery/delivery-helpers';

/** Routes anyone may call on their canonical path (their variants must still be 404). */
const PUBLIC_ROUTES = new Set(['/healthz', '/readyz', '/portal/assets/:file', '/portal', '/portal/enter', '/portal/logout']);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** The ops surfaces are plain middleware, not routers: their paths are listed here. */
const OPS_PATHS = ['/metrics', '/ops/queues', '/ops/queues/api/queues'];
/** Tables whose full contents must not change under any unauthenticated or cross-tenant request. */
const WATCHED_TABLES = ['organizations', 'directories', 'directory_tokens', 'portal_links', 'sinks', 'role_mappings', 'users', 'groups', 'group_members', 'operations', 'events', 'deliveries', 'dead_letters', 'reconcile_reports', 'replay_markers'];

interface RouteCase {
  router: Router;
  template: string;
  methods: string[];
}

function routesOf(routers: readonly Router[]): RouteCase[] {
  const out: RouteCase[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      if (layer.methods.length === 0 || typeof layer.path !== 'string') continue;
      // OPTIONS always: a method a route does not define must not slip past its guards either.
      out.push({ router, template: layer.path, methods: METHODS.filter((m) => m === 'OPTIONS' || layer.methods.includes(m)) });
    }
  }
  return out;
}

describe('route-guard matrix: every registered route, every spelling, no credentials or another tenant’s', () => {
  let env: TestEnv;
  let victim: TestDirectory;
  let attacker: TestDirectory;
  let victimUserId: string;
  let attackerCookie: string;
  let attackerCsrf: string;

  const snapshot = async (): Promise<string> => {
    const tables = await Promise.all(WATCHED_TABLES.map(async (t) => [t, await env.db(t).select('*')] as const));
    const queues = createOpsQueues(env.redis, env.config.queuePrefix);
    const counts = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const));
    await Promise.all(queues.map((q) => q.close()));
    return JSON.stringify({ tables, counts });
  };

  before(async () => {
    // No auth-failure limit: the matrix must see what the guards answer, not 429 after the first 300.
    env = await createTestEnv({ workers: true, env: { ADMIN_API_KEY: ADMIN_KEY, SCIM_AUTH_FAILURE_LIMIT: '0' } });
    victim = await env.createDirectory({ orgName: 'Victim' });
    attacker = await env.createDirectory({ orgName: 'Attacker' });
    const created = await scimClient(victim.scimUrl, victim.token)('POST', '/Users', oktaUser('victim.user@example.com'));
    assert.equal(created.status, 201);
    victimUserId = String(created.body.id);
    const portal = new PortalClient(env.baseUrl);
    const entered = await portal.open((await issuePortalLink(env.config, env.db, attacker.organizationId)).url);
    assert.equal(entered.status, 303);
    attackerCookie = portal.cookie ?? '';
    attackerCsrf = hiddenField((await portal.get('/portal/directory-sync')).text, '_csrf');
    // The outbox sweeper adds each organization's built-in sink on its own schedule: do it now, not mid-snapshot.
    await new SinkStore(env.db).ensureBuiltIn();
    // The drainer numbers the victim's user.created event DELIVERY_COALESCE_MS after the commit: let that
    // background step happen now too, so the snapshots compare only what the requests below could change.
    await waitFor('the outbox to number the setup event', async () => Number((await env.db('events').whereNull('seq').count({ n: '*' }))[0]?.n) === 0);
  });
  after(async () => env?.close());

  const concrete = (template: string): string =>
    template
      .replace(':directoryId', victim.directoryId)
      .replace(':organizationId', victim.organizationId)
      .replace(':id', victimUserId)
      .replace(':file', 'portal.css')
      .replace(':provider', 'okta')
      .replace(':name', 'User')
      .replace(':urn', 'urn:ietf:params:scim:schemas:core:2.0:User')
      .replace(/:[A-Za-z]+/g, () => randomUUID())
      .replace('{*rest}', 'x');

  it('finds the routes of every router (a new route joins the matrix by itself)', () => {
    const routes = routesOf(mountedRouters(env.app!));
    const templates = routes.map((r) => r.template);
    for (const expected of ['/api/v1/organizations/:organizationId/portal-links', '/scim/v2/:directoryId/Users/:id', '/portal/directories/:directoryId/rotate', '/healthz']) {
      assert.ok(templates.includes(expected), expected);
    }
    assert.ok(routes.length >= 40, `only ${routes.length} routes found`);
  });

  it("runs a router's guards on every spelling its routes match", () => {
    for (const { router, template } of routesOf(mountedRouters(env.app!))) {
      const guards = router.stack.filter((l) => l.methods.length === 0);
      const path = concrete(template);
      for (const spelling of [path, ...spellingVariants(path)]) {
        const routesMatching = router.stack.filter((l) => l.methods.length > 0 && l.match(spelling));
        if (routesMatching.length === 0) continue;
        for (const guard of guards) assert.ok(guard.match(spelling), `${spelling} reaches ${template} without guard ${String(guard.path)}`);
      }
    }
  });

  it('refuses every non-canonical spelling before any router or guard', () => {
    for (const path of ['/API/v1/organizations', '/Api/v1', '/api/V1/organizations', '/api/v1/', '/api//v1/organizations', '/%61pi/v1/organizations', '/api/v1/./organizations', '/api/v1/x/../organizations', '/SCIM/v2/x/Users', '/Portal', '/OPS/queues', '/ops/QUEUES/api', '/METRICS', '/scim/v2/x/Users/']) {
      assert.ok(nonCanonicalReason(path), path);
    }
    for (const path of ['/', '/api/v1/organizations', '/scim/v2/abc/Users', '/scim/v2/abc/Schemas/urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Acore%3A2.0%3AUser', '/portal/enter', '/metrics', '/healthz']) {
      assert.equal(nonCanonicalReason(path), undefined, path);
    }
  });

  it('answers 401, 403 or 404 (405 for a method /metrics lacks) to every route, method and spelling, and changes nothing', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    let sent = 0;
    const routes = routesOf(mountedRouters(env.app!));
    const cases: { method: string; path: string; key: string; canonical: boolean; template: string }[] = [];
    for (const { template, methods } of routes) {
      const path = concrete(template);
      for (const method of methods) {
        const key = template;
        cases.push({ method, path, key, canonical: true, template });
        for (const variant of spellingVariants(path)) cases.push({ method, path: variant, key, canonical: false, template });
      }
    }
    for (const path of OPS_PATHS) {
      for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS']) {
        cases.push({ method, path, key: path, canonical: true, template: path });
        for (const variant of spellingVariants(path)) cases.push({ method, path: variant, key: path, canonical: false, template: path });
      }
    }
    const credentialSets: { name: string; headers: (template: string) => Record<string, string> | undefined }[] = [
      { name: 'none', headers: () => ({}) },
      {
        name: 'other tenant',
        // Only routes that name the victim: on its own routes the attacker's session may of course act for itself.
        headers: (template) =>
          template.startsWith('/portal') && !template.includes(':directoryId')
            ? undefined
            : {
                Authorization: template.startsWith('/metrics') || template.startsWith('/ops') ? `Basic ${Buffer.from(`x:${attacker.token}`).toString('base64')}` : `Bearer ${attacker.token}`,
                Cookie: attackerCookie,
                Origin: env.baseUrl,
              },
      },
    ];
    for (const credentials of credentialSets) {
      for (const c of cases) {
        const headers = credentials.headers(c.template);
        if (!headers) continue;
        if (c.canonical && PUBLIC_ROUTES.has(c.key)) continue;
        let body: string | undefined;
        if (!['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(c.method)) {
          if (c.template.startsWith('/portal')) {
            headers['Content-Type'] = 'application/x-www-form-urlencoded';
            body = new URLSearchParams({ _csrf: attackerCsrf, _nonce: 'n'.repeat(24), provider: 'okta', name: 'Pwned' }).toString();
          } else {
            headers['Content-Type'] = c.template.startsWith('/scim') ? 'application/scim+json' : 'application/json';
            body = JSON.stringify({ name: 'Pwned', url: 'https://example.com/hook', schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'pwned@example.com', Operations: [{ op: 'replace', value: { active: false } }] });
          }
        }
        const res = await rawRequest(env.baseUrl, c.method, c.path, headers, body);
        sent++;
        // 405: /metrics refuses other methods before asking for credentials; still a refusal without effect.
        if (![401, 403, 404, 405].includes(res.status)) failures.push(`${credentials.name}: ${c.method} ${c.path} → ${res.status}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${sent} requests got through`);
    assert.ok(sent > 10_000, `only ${sent} requests`);
    assert.equal(await snapshot(), before, 'no request may change any data or enqueue any job');
  });
});
