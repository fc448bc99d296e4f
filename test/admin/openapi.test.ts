/**
 * Issue 12 requirement 6: the admin API's OpenAPI 3.1 description is generated from
 * the routes' zod schemas; it must list exactly the routes the router registers,
 * docs/openapi.json must be current, and real responses must validate against it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config';
import { createDb } from '../../src/store/db';
import { createAdminApiRouter } from '../../src/http/admin/admin-api-router';
import { buildOpenApi, openApiPath } from '../../src/http/admin/openapi';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { adminClient, ADMIN_KEY, type ApiResponse } from './admin-client';
import { scimClient } from '../support/scim-client';
import { oktaUser, oktaGroup } from '../support/okta-bodies';
import { drainEvents, fetchEventPage, type DirsyncEvent } from '../../docs/examples/events-client';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
const spec = buildOpenApi() as unknown as Doc;
const specOperations = () => Object.entries(spec.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)).sort();

describe('OpenAPI description of the admin API', () => {
  it('is OpenAPI 3.1, and docs/openapi.json is the current output of `npm run openapi`', () => {
    assert.equal((spec as unknown as { openapi: string }).openapi, '3.1.0');
    const written: unknown = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docs/openapi.json'), 'utf8'));
    assert.deepEqual(written, JSON.parse(JSON.stringify(spec)), 'docs/openapi.json is stale: run npm run openapi');
  });

  it("lists exactly the routes the admin router registers (method and path)", async () => {
    const config = loadConfig({ ADMIN_API_KEY: ADMIN_KEY });
    const db = createDb(config, 1); // never queried: registering routes only builds stores
    try {
      const router = createAdminApiRouter({ config, db, log: pino({ level: 'silent' }) });
      const registered = router.stack
        .filter((layer) => layer.methods.length > 0 && !String(layer.path).includes('{*'))
        .flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${openApiPath(String(layer.path).replace(/^\/api\/v1/, ''))}`))
        .sort();
      assert.ok(registered.length > 20, `found only ${registered.length} routes`);
      assert.deepEqual(registered, specOperations());
    } finally {
      await db.destroy();
    }
  });
});

describe('real admin API responses validate against the OpenAPI description', { timeout: 120_000 }, () => {
  let env: TestEnv;
  let dir: TestDirectory;
  let api: ReturnType<typeof adminClient>;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(spec, 'openapi');
  /** Operation → statuses seen, to prove every operation's success answer was checked. */
  const seen = new Map<string, Set<number>>();

  /** Calls the API and validates the answer against the description of (method, route, status). */
  async function call(method: string, route: string, concrete: string, body?: unknown): Promise<ApiResponse> {
    const res = await api(method, concrete, body);
    const opPath = openApiPath(route);
    const op = spec.paths[opPath]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${opPath} is not in the description`);
    const described = op.responses[String(res.status)];
    assert.ok(described, `${method} ${opPath} answered ${res.status}, which the description does not list: ${JSON.stringify(res.body)}`);
    if (described.content) {
      const pointer = `openapi#/paths/${opPath.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${res.status}/content/application~1json/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      assert.ok(validate(res.body), `${method} ${opPath} ${res.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`);
    } else {
      assert.equal(res.body, undefined, `${method} ${opPath} ${res.status} should have no body`);
    }
    const key = `${method.toUpperCase()} ${opPath}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(res.status));
    return res;
  }

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_MAX_ATTEMPTS: '1', DELIVERY_BACKOFF_BASE_MS: '50', DELIVERY_BACKOFF_MAX_MS: '100' } });
    api = adminClient(env.baseUrl, ADMIN_KEY);
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('every operation, with its success status and some errors', async () => {
    const ORG = '/organizations/:organizationId';
    const org = `/organizations/${dir.organizationId}`;
    await call('GET', '/openapi.json', '/openapi.json');

    // A user and a group with the user, so the app model, events and role mappings have content.
    const scim = scimClient(dir.scimUrl, dir.token);
    const user = await scim('POST', '/Users', oktaUser('openapi@example.com', 'Open', 'Api'));
    assert.equal(user.status, 201, user.text);
    const group = await scim('POST', '/Groups', oktaGroup('Readers', [user.body.id]));
    assert.equal(group.status, 201, group.text);

    const created = await call('POST', '/organizations', '/organizations', { name: 'OpenAPI Org' });
    assert.equal(created.status, 201);
    const other = `/organizations/${created.body.id}`;
    assert.equal((await call('POST', '/organizations', '/organizations', { name: 'OpenAPI Org' })).status, 409);
    await call('GET', '/organizations', '/organizations');
    await call('GET', ORG, other);
    assert.equal((await call('GET', ORG, '/organizations/00000000-0000-4000-8000-000000000000')).status, 404);
    await call('PATCH', ORG, other, { name: 'OpenAPI Org 2' });
    await call('POST', `${ORG}/directory-sync/enable`, `${other}/directory-sync/enable`);
    await call('POST', `${ORG}/directory-sync/disable`, `${other}/directory-sync/disable`);
    await call('GET', `${ORG}/directories`, `${org}/directories`);
    await call('POST', `${ORG}/portal-links`, `${org}/portal-links`, { expiresInSeconds: 600 });

    // A webhook nobody listens on: with one attempt allowed, its deliveries become dead letters.
    const port = await closedPort();
    const sink = await call('POST', `${ORG}/sinks`, `${org}/sinks`, { url: `http://127.0.0.1:${port}/hook`, name: 'nobody' });
    assert.equal(sink.status, 201);
    // The sink delivers events from its creation on: one more change for it to fail on.
    assert.equal((await scim('POST', '/Users', oktaUser('openapi2@example.com', 'Second', 'User'))).status, 201);
    await call('GET', `${ORG}/sinks`, `${org}/sinks`);
    await call('PATCH', `${ORG}/sinks/:sinkId`, `${org}/sinks/${sink.body.id}`, { name: 'still nobody' });
    await call('POST', `${ORG}/role-mappings`, `${org}/role-mappings`, { groupName: 'Readers', role: 'reader' });
    const mappings = await call('GET', `${ORG}/role-mappings`, `${org}/role-mappings`);

    // Wait until the app model has the user and the webhook's deliveries are dead.
    await until(async () => (await api('GET', `${org}/app-users`)).body.data.length === 2);
    await call('GET', `${ORG}/app-users`, `${org}/app-users`);
    const events = await call('GET', `${ORG}/events`, `${org}/events?limit=2`);
    assert.ok(events.body.data.length > 0);
    await call('GET', `${ORG}/events`, `${org}/events?cursor=${encodeURIComponent(events.body.nextCursor)}`);
    assert.equal((await call('GET', `${ORG}/events`, `${org}/events?cursor=not-a-cursor`)).status, 400);
    await until(async () => (await api('GET', `${org}/dead-letters`)).body.data.length > 0);
    await call('GET', `${ORG}/dead-letters`, `${org}/dead-letters?includeReplayed=true`);
    await call('POST', `${ORG}/dead-letters/replay`, `${org}/dead-letters/replay`, { all: true });
    await call('GET', '/delivery/stats', '/delivery/stats');
    await call('POST', '/directories/:directoryId/reconcile', `/directories/${dir.directoryId}/reconcile`, { repair: false });
    await call('GET', '/directories/:directoryId/reconcile-reports', `/directories/${dir.directoryId}/reconcile-reports`);
    // Directory health: a rejected request, the share, the write log and one operation's trace.
    assert.equal((await scim('GET', '/Users?count=x')).status, 400);
    const D = '/directories/:directoryId';
    const d = `/directories/${dir.directoryId}`;
    await until(async () => (await api('GET', `${d}/rejected-requests`)).body.data.length > 0);
    await call('GET', `${D}/rejected-requests`, `${d}/rejected-requests?limit=10`);
    assert.equal((await call('GET', `${D}/rejected-requests`, `${d}/rejected-requests?before=nope`)).status, 400);
    await call('GET', `${D}/health`, `${d}/health`);
    const writes = await call('GET', `${D}/operations`, `${d}/operations?limit=5`);
    await call('GET', `${D}/operations/:operationId/trace`, `${d}/operations/${writes.body.data[0].id}/trace`);
    assert.equal((await call('GET', `${D}/operations/:operationId/trace`, `${d}/operations/00000000-0000-4000-8000-000000000000/trace`)).status, 404);

    // The circuit breaker: thresholds low enough that one deactivation trips it, then release; again, then discard.
    await call('GET', `${D}/breaker`, `${d}/breaker`);
    await call('PATCH', `${D}/breaker`, `${d}/breaker`, { minCount: 1, minPercent: 0 });
    assert.equal((await call('PATCH', `${D}/breaker`, `${d}/breaker`, { minCount: 0 })).status, 400);
    const openHold = async (userId: string): Promise<string> => {
      assert.equal((await scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })).status, 200);
      let id = '';
      await until(async () => {
        const held = ((await api('GET', `${d}/holds`)).body.data as { id: string; status: string }[]).find((h) => h.status === 'held');
        id = held?.id ?? '';
        return Boolean(held);
      });
      return id;
    };
    const first = await openHold(user.body.id);
    await call('GET', `${D}/holds`, `${d}/holds`);
    await call('GET', '/holds/:holdId', `/holds/${first}`);
    assert.equal((await call('GET', '/holds/:holdId', '/holds/00000000-0000-4000-8000-000000000000')).status, 404);
    await call('POST', '/holds/:holdId/release', `/holds/${first}/release`, {});
    assert.equal((await call('POST', '/holds/:holdId/release', `/holds/${first}/release`, {})).status, 409);
    const second = await openHold((await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "openapi2@example.com"')}`)).body.Resources[0].id);
    await call('POST', '/holds/:holdId/discard', `/holds/${second}/discard`, { by: 'openapi test' });

    // docs/delivery.md's typed client reads the same feed, in order, and resumes from its cursor.
    const client = { baseUrl: env.baseUrl, apiKey: ADMIN_KEY, organizationId: dir.organizationId };
    const read: DirsyncEvent[] = [];
    const cursor = await drainEvents(client, undefined, async (event) => {
      read.push(event);
    });
    assert.ok(read.some((e) => e.type === 'user.created') && read.some((e) => e.type === 'group.user_added'), read.map((e) => e.type).join());
    assert.deepEqual(read.map((e) => e.sequence), [...read.map((e) => e.sequence)].sort((a, b) => a - b));
    assert.equal((await fetchEventPage(client, { ...(cursor === undefined ? {} : { cursor }) })).data.length, 0, 'nothing new after the stored cursor');
    await assert.rejects(fetchEventPage(client, { cursor: 'not-a-cursor' }), /events API 400: invalid_request/);

    // Attribute mapping: read (the default), preview, a refused row, replace (starts a re-projection).
    assert.equal((await call('GET', `${ORG}/attribute-mapping`, `${org}/attribute-mapping`)).body.isDefault, true);
    await call('POST', `${ORG}/attribute-mapping/preview`, `${org}/attribute-mapping/preview`, { attributes: [{ name: 'title', path: 'title' }] });
    assert.equal((await call('PUT', `${ORG}/attribute-mapping`, `${org}/attribute-mapping`, { attributes: [{ name: 'bad name', path: 'title' }] })).status, 400);
    assert.equal((await call('PUT', `${ORG}/attribute-mapping`, `${org}/attribute-mapping`, { attributes: [{ name: 'title', path: 'title' }] })).body.reprojection.status, 'running');

    await call('DELETE', `${ORG}/role-mappings/:mappingId`, `${org}/role-mappings/${mappings.body.data[0].id}`);
    await call('DELETE', `${ORG}/sinks/:sinkId`, `${org}/sinks/${sink.body.id}`);
    await call('DELETE', ORG, other);

    // Every operation of the description was answered with a 2xx and validated.
    const missing = specOperations().filter((op) => ![...(seen.get(op) ?? [])].some((s) => s >= 200 && s < 300));
    assert.deepEqual(missing, [], 'operations never exercised');
    // 401 too: the description lists it for every operation.
    const unauth = await adminClient(env.baseUrl, 'wrong-key-0123456789')('GET', '/organizations');
    assert.equal(unauth.status, 401);
    assert.ok(ajv.compile({ $ref: 'openapi#/components/schemas/ApiErrorBody' })(unauth.body));
    // And the validation bites: a body missing fields or with a wrong type fails.
    const organization = ajv.compile({ $ref: 'openapi#/components/schemas/Organization' });
    assert.equal(organization({ ...created.body, directorySyncEnabled: 'yes' }), false);
    assert.equal(organization({ id: created.body.id }), false);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A loopback port with no listener (connections are refused). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
