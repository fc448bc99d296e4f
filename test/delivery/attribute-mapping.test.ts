import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { cliStdout } from '../support/dirsync-cli';
import { scimClient, type ScimClient } from '../support/scim-client';
import { entraCreateUser, ENT } from '../support/scim-fixtures';
import { WebhookReceiver, allDelivered, oktaUser, waitFor } from './delivery-helpers';
import { patch } from '../support/okta-bodies';
import { applyBatchToAppModel } from '../../src/app-model/app-model-batch';
import { applyToAppModel } from '../../src/app-model/app-model-sink';
import type { StoredEvent } from '../../src/events/event-types';

const ADMIN_KEY = 'test-admin-key-attribute-mapping';
const BIN = path.resolve(__dirname, '../../bin/dirsync');
const run = promisify(execFile);
/** Okta's custom schema: attributes added in the app's profile editor with this external namespace. */
const OKTA_CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User';

/** An Okta create with custom-profile attributes, as Okta's SCIM client sends it. */
function oktaCustomUser(userName: string, costCode: string, badge: number) {
  return {
    ...oktaUser(userName, 'Grace', 'Hopper'),
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', OKTA_CUSTOM],
    title: 'Rear Admiral',
    phoneNumbers: [
      { value: '+1 555 0100', type: 'mobile' },
      { value: '+1 555 0199', type: 'work', primary: true },
    ],
    [OKTA_CUSTOM]: { costCode, badgeNumber: badge, isContractor: false, skills: ['cobol', 'compilers'] },
  };
}

describe('attribute mapping: app_users.attributes, webhooks, events API, re-projection', () => {
  let env: TestEnv;
  let okta: TestDirectory;
  let entra: TestDirectory;
  let oktaScim: ScimClient;
  let entraScim: ScimClient;
  const receiver = new WebhookReceiver();

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${env.baseUrl}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const cli = (...args: string[]) => cliStdout(env, ...args);
  /** What `npx dirsync app-users --org … --json` prints, by userName. */
  const cliUsers = async (org: string): Promise<Map<string, { attributes: Record<string, unknown>; version: number; directoryUserId: string }>> => {
    const list = JSON.parse(await cli('app-users', '--org', org, '--json')) as { userName: string; attributes: Record<string, unknown>; version: number; directoryUserId: string }[];
    return new Map(list.map((u) => [u.userName.toLowerCase(), u]));
  };
  const retrying = (scim: ScimClient): ScimClient => async (method, p, body, headers) => {
    for (let i = 0; ; i++) {
      const res = await scim(method, p, body, headers);
      if (res.status !== 503 || i >= 10) return res;
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const settled = async (org: string) => {
    await waitFor('re-projection done', async () => {
      const r = await env.db('attribute_reprojections').where({ organization_id: org }).first('status');
      return !r || r.status === 'done';
    });
    await waitFor('every event delivered', () => allDelivered(env.db, org));
  };

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: '20' } });
    okta = await env.createDirectory({ provider: 'okta', orgName: 'Okta Org' });
    entra = await env.createDirectory({ provider: 'entra', orgName: 'Entra Org' });
    oktaScim = retrying(scimClient(okta.scimUrl, okta.token));
    entraScim = retrying(scimClient(entra.scimUrl, entra.token));
    const url = await receiver.start();
    const sink = await api('POST', `/organizations/${okta.organizationId}/sinks`, { url, name: 'app' });
    assert.equal(sink.status, 201, JSON.stringify(sink.body));
    receiver.secret = sink.body.secret;
  });
  after(async () => {
    await receiver.close();
    await env.close();
  });

  it("maps the common enterprise attributes by default (Entra's enterprise-extension payload)", async () => {
    const a = await entraScim('POST', '/Users', entraCreateUser);
    assert.equal(a.status, 201, a.text);
    const b = await entraScim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
      userName: 'carol@contoso.com',
      active: 'True',
      title: 'Director',
      emails: [{ primary: 'True', type: 'work', value: 'carol@contoso.com' }],
      [ENT]: { employeeNumber: '42', costCenter: 'CC-7', organization: 'Contoso', division: 'Cloud', department: 'Platform', manager: 'mgr-9' },
    });
    assert.equal(b.status, 201, b.text);
    await settled(entra.organizationId);

    const users = await cliUsers(entra.organizationId);
    assert.deepEqual(users.get('bob@contoso.com')?.attributes, { department: 'R&D', costCenter: null, employeeNumber: '701984', manager: 'mgr-1', title: null, division: null, organization: null });
    // Entra's plain-string manager is normalised to manager.value on the way in (docs/providers.md).
    assert.deepEqual(users.get('carol@contoso.com')?.attributes, { department: 'Platform', costCenter: 'CC-7', employeeNumber: '42', manager: 'mgr-9', title: 'Director', division: 'Cloud', organization: 'Contoso' });

    const listed = await api('GET', `/organizations/${entra.organizationId}/app-users`);
    assert.equal(listed.status, 200);
    const carol = listed.body.data.find((u: { userName: string }) => u.userName === 'carol@contoso.com');
    assert.equal(carol.attributes.costCenter, 'CC-7');

    const mapping = await api('GET', `/organizations/${entra.organizationId}/attribute-mapping`);
    assert.equal(mapping.status, 200);
    assert.equal(mapping.body.isDefault, true);
    assert.equal(mapping.body.customExtensionAttributes, true);
    assert.equal(mapping.body.reprojection, null);
    assert.deepEqual(mapping.body.attributes.map((e: { name: string }) => e.name), ['department', 'costCenter', 'employeeNumber', 'manager', 'title', 'division', 'organization']);
  });

  it('refuses invalid mappings with clear 400s and changes nothing', async () => {
    const cases: [unknown, RegExp, string][] = [
      [{ attributes: [{ name: '1st', path: 'title' }] }, /not a valid app attribute name/, 'attributes.0.name'],
      [{ attributes: [{ name: 'job', path: 'titel' }] }, /Unknown attribute/, 'attributes.0.path'],
      [{ attributes: [{ name: 'a', path: 'title' }, { name: 'A', path: 'nickName' }] }, /mapped twice/, 'attributes.1.name'],
      [{ attributes: [{ name: 'mail', path: 'emails[type eq "work"].value' }] }, /filters/, 'attributes.0.path'],
      [{ attributes: [{ name: 'x', path: `${ENT}:managr` }] }, /Unknown attribute of/, 'attributes.0.path'],
      [{ attributes: [{ name: 'x', path: 'name.first' }] }, /Unknown sub-attribute/, 'attributes.0.path'],
    ];
    for (const [body, message, at] of cases) {
      const res = await api('PUT', `/organizations/${okta.organizationId}/attribute-mapping`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_request');
      assert.match(res.body.error.message, message);
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path === at), JSON.stringify(res.body.error.details));
    }
    assert.equal((await api('PUT', `/organizations/${okta.organizationId}/attribute-mapping`, { attributes: 'title' })).status, 400);
    assert.equal((await api('GET', `/organizations/${okta.organizationId}/attribute-mapping`)).body.isDefault, true);
  });

  it("projects Okta's custom-extension attributes once mapped, re-projecting existing users through the outbox", async () => {
    const created = await oktaScim('POST', '/Users', oktaCustomUser('grace@example.com', 'CC-1', 1906));
    assert.equal(created.status, 201, created.text);
    const graceId = created.body.id as string;
    // More users than one batch (DELIVERY_BATCH_SIZE=20): the re-projection takes several.
    for (let i = 0; i < 45; i += 5) {
      await Promise.all([0, 1, 2, 3, 4].map((j) => oktaScim('POST', '/Users', oktaCustomUser(`user${i + j}@example.com`, `CC-${i + j}`, i + j)).then((r) => assert.equal(r.status, 201, r.text))));
    }
    await settled(okta.organizationId);
    const before = await cliUsers(okta.organizationId);
    // Defaults before any mapping: the enterprise attributes, and Okta's custom attributes under their own names.
    assert.deepEqual(before.get('grace@example.com')?.attributes, { department: null, costCenter: null, employeeNumber: null, manager: null, title: 'Rear Admiral', division: null, organization: null, costCode: 'CC-1', badgeNumber: 1906, isContractor: false, skills: ['cobol', 'compilers'] });
    const versionBefore = before.get('grace@example.com')?.version;

    // Preview first: real synced users, nothing saved.
    const mapping = [
      { name: 'costCode', path: `${OKTA_CUSTOM}:costCode` },
      // URNs and attribute names are case-insensitive in SCIM.
      { name: 'badge', path: 'urn:ietf:params:scim:schemas:extension:customextension:2.0:user:BADGENUMBER' },
      { name: 'contractor', path: `${OKTA_CUSTOM}:isContractor` },
      { name: 'skills', path: `${OKTA_CUSTOM}:skills` },
      { name: 'phone', path: 'phoneNumbers' },
      { name: 'firstName', path: 'name.givenName' },
      { name: 'department', path: 'department' },
      { name: 'jobTitle', path: 'TITLE' },
    ];
    const preview = await api('POST', `/organizations/${okta.organizationId}/attribute-mapping/preview`, { attributes: mapping, limit: 3 });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.data.length, 3);
    assert.ok(preview.body.data.every((r: { attributes: Record<string, unknown> }) => typeof r.attributes['costCode'] === 'string'));
    assert.equal((await api('GET', `/organizations/${okta.organizationId}/attribute-mapping`)).body.isDefault, true);

    const receivedBefore = receiver.received.length;
    const saved = await api('PUT', `/organizations/${okta.organizationId}/attribute-mapping`, { attributes: mapping });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.isDefault, false);
    assert.equal(saved.body.customExtensionAttributes, false);
    assert.equal(saved.body.revision, 1);
    assert.deepEqual(saved.body.attributes.map((e: { path: string }) => e.path), [
      `${OKTA_CUSTOM}:costCode`,
      'urn:ietf:params:scim:schemas:extension:customextension:2.0:user:BADGENUMBER',
      `${OKTA_CUSTOM}:isContractor`,
      `${OKTA_CUSTOM}:skills`,
      'phoneNumbers',
      'name.givenName',
      `${ENT}:department`,
      'title',
    ]);
    assert.equal(saved.body.reprojection.status, 'running');
    assert.equal(saved.body.reprojection.total, 46);
    await settled(okta.organizationId);

    const progress = await api('GET', `/organizations/${okta.organizationId}/attribute-mapping`);
    assert.deepEqual([progress.body.reprojection.status, progress.body.reprojection.done, progress.body.reprojection.total], ['done', 46, 46]);

    const users = await cliUsers(okta.organizationId);
    assert.equal(users.size, 46);
    const grace = users.get('grace@example.com');
    assert.deepEqual(grace?.attributes, { costCode: 'CC-1', badge: 1906, contractor: false, skills: ['cobol', 'compilers'], phone: '+1 555 0199', firstName: 'Grace', department: null, jobTitle: 'Rear Admiral' });
    assert.equal(grace?.version, versionBefore, 'a re-projection keeps the version: it is not a directory change');
    for (const [name, u] of users) if (name.startsWith('user')) assert.equal(u.attributes['costCode'], `CC-${name.slice(4, name.indexOf('@'))}`);

    // One user.attributes_changed event per user, through the outbox, delivered to the webhook with the new attributes.
    const events = await env.db('events').where({ organization_id: okta.organizationId, type: 'user.attributes_changed' });
    assert.equal(events.length, 46);
    await waitFor('webhooks', async () => receiver.received.slice(receivedBefore).filter((r) => r.body.type === 'user.attributes_changed').length >= 46);
    const hook = receiver.received.find((r) => r.body.type === 'user.attributes_changed' && r.body.resource.id === graceId);
    assert.ok(hook?.verified);
    assert.equal(hook?.body.resource.version, versionBefore);
    assert.deepEqual((hook?.body.data['attributes'] as Record<string, unknown>)['costCode'], 'CC-1');
    assert.equal((hook?.body.data['resource'] as Record<string, unknown>)['userName'], 'grace@example.com');
  });

  it('a later change carries the new attributes in the webhook, the events API and the app model', async () => {
    const grace = (await cliUsers(okta.organizationId)).get('grace@example.com');
    assert.ok(grace);
    const res = await oktaScim('PATCH', `/Users/${grace.directoryUserId}`, patch({ op: 'replace', path: `${OKTA_CUSTOM}:costCode`, value: 'CC-99' }));
    assert.equal(res.status, 200, res.text);
    await settled(okta.organizationId);
    assert.equal((await cliUsers(okta.organizationId)).get('grace@example.com')?.attributes['costCode'], 'CC-99');
    await waitFor('webhook', async () => receiver.received.some((r) => r.body.type === 'user.updated' && r.body.resource.id === grace.directoryUserId));
    const hook = receiver.received.find((r) => r.body.type === 'user.updated' && r.body.resource.id === grace.directoryUserId);
    assert.equal((hook?.body.data['attributes'] as Record<string, unknown>)['costCode'], 'CC-99');

    const feed: { type: string; resource: { id: string }; data: Record<string, unknown> }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api('GET', `/organizations/${okta.organizationId}/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      feed.push(...page.body.data);
      cursor = page.body.nextCursor;
      if (!page.body.hasMore) break;
    }
    const mine = feed.filter((e) => e.resource.id === grace.directoryUserId);
    assert.deepEqual(mine.map((e) => e.type), ['user.created', 'user.attributes_changed', 'user.updated']);
    // Every user event is presented with the CURRENT mapping's attributes.
    assert.ok(mine.every((e) => (e.data['attributes'] as Record<string, unknown>)['badge'] === 1906));
  });

  it('the CLI reads and replaces the mapping (with the re-projection progress) and refuses a bad row', async () => {
    const bad = await run(BIN, ['set-attribute-mapping', '--org', 'Entra Org', '--attribute', 'ok=title', '--attribute', 'x=nope'], { env: { ...process.env, DATABASE_URL: env.config.databaseUrl, LOG_LEVEL: 'silent' } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--attribute #2 path: Unknown attribute for User: 'nope'/);
    const set = JSON.parse(await cli('set-attribute-mapping', '--org', 'Entra Org', '--attribute', 'dept=department', '--attribute', 'empNo=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:EMPLOYEENUMBER', '--json'));
    assert.deepEqual(set.attributes, [
      { name: 'dept', path: `${ENT}:department` },
      { name: 'empNo', path: `${ENT}:employeeNumber` },
    ]);
    assert.equal(set.reprojection.status, 'running');
    await settled(entra.organizationId);
    const shown = JSON.parse(await cli('attribute-mapping', '--org', 'Entra Org', '--json'));
    assert.deepEqual([shown.isDefault, shown.reprojection.status, shown.reprojection.done, shown.reprojection.total], [false, 'done', 2, 2]);
    assert.deepEqual((await cliUsers(entra.organizationId)).get('carol@contoso.com')?.attributes, { dept: 'Platform', empNo: '42' });
  });

  it('a same-version event changes attributes only; an older one changes nothing', async () => {
    const grace = (await cliUsers(okta.organizationId)).get('grace@example.com');
    assert.ok(grace);
    const row = await env.db('app_users').where({ directory_user_id: grace.directoryUserId }).first();
    // Saving the mapping again (one row fewer) re-projects; grace keeps her version, loses the attribute.
    const saved = await api('PUT', `/organizations/${okta.organizationId}/attribute-mapping`, { attributes: [{ name: 'costCode', path: `${OKTA_CUSTOM}:costCode` }] });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.revision, 2);
    await settled(okta.organizationId);
    const after = await env.db('app_users').where({ directory_user_id: grace.directoryUserId }).first();
    assert.deepEqual(after.attributes, { costCode: 'CC-99' });
    assert.equal(after.version, row.version);
    assert.equal(after.user_name, row.user_name);
    assert.equal(after.status, row.status);

    // An older version never applies, not even to attributes; both apply paths (batch and per event).
    const stale: StoredEvent = {
      id: '00000000-0000-4000-8000-000000000001',
      organizationId: okta.organizationId,
      directoryId: okta.directoryId,
      seq: 1,
      operationId: null,
      occurredAt: new Date(),
      type: 'user.attributes_changed',
      resourceType: 'user',
      resourceId: grace.directoryUserId,
      resourceVersion: row.version - 1,
      data: { resource: { userName: 'old@example.com', [OKTA_CUSTOM]: { costCode: 'OLD' } } },
    };
    await env.db.transaction((trx) => applyBatchToAppModel(trx, [stale]));
    await env.db.transaction((trx) => applyToAppModel(trx, stale));
    const unchanged = await env.db('app_users').where({ directory_user_id: grace.directoryUserId }).first();
    assert.deepEqual([unchanged.attributes, unchanged.user_name], [{ costCode: 'CC-99' }, row.user_name]);
  });
});
