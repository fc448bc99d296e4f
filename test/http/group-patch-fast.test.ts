import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { randomUUID } from 'node:crypto';
import { applyScimWrite } from '../../src/provisioning/apply-scim-write';
import type { ScimWriteJob } from '../../src/queue/job-payloads';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Okta's membership PATCHes take the two-statement compare-and-set path; its outcomes must equal the transactional path's. */
describe('group membership PATCH (compare-and-set path)', () => {
  let env: TestEnv;
  let scim: ScimClient;
  const users: string[] = [];
  let groupId = '';

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
    for (let i = 0; i < 4; i++) users.push((await scim('POST', '/Users', { schemas: [USER], userName: `fast${i}@example.com` })).body.id);
    groupId = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Fast', members: [{ value: users[0] }] })).body.id;
  });
  after(async () => env.close());

  const state = async () => {
    const g = await scim('GET', `/Groups/${groupId}`);
    return { etag: g.headers.get('etag'), members: (g.body.members ?? []).map((m: { value: string }) => m.value).sort(), name: g.body.displayName };
  };
  const events = async () => (await env.db('events').where({ resource_id: groupId }).orderBy('occurred_at').select('type', 'resource_version', 'data')) as { type: string; resource_version: number; data: { user?: { id: string } } }[];
  const okta = (ops: unknown[]) => ({ schemas: [PATCH], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Fast' } }, ...ops] });

  it('adding a present member changes nothing: same ETag, no event', async () => {
    const before = await state();
    const n = (await events()).length;
    const res = await scim('PATCH', `/Groups/${groupId}`, okta([{ op: 'add', path: 'members', value: [{ value: users[0] }] }]));
    assert.equal(res.status, 204, res.text);
    assert.equal(res.headers.get('etag'), before.etag);
    assert.deepEqual(await state(), before);
    assert.equal((await events()).length, n);
  });

  it('an add and a remove of different users apply together: one version, one event each', async () => {
    const before = await state();
    const n = (await events()).length;
    const res = await scim('PATCH', `/Groups/${groupId}`, okta([{ op: 'add', path: 'members', value: [{ value: users[1] }, { value: users[2] }] }, { op: 'remove', path: `members[value eq "${users[0]}"]` }]));
    assert.equal(res.status, 204, res.text);
    const after = await state();
    assert.deepEqual(after.members, [users[1], users[2]].sort());
    assert.notEqual(after.etag, before.etag);
    assert.equal(res.headers.get('etag'), after.etag);
    const fresh = (await events()).slice(n);
    assert.deepEqual(fresh.map((e) => e.type).sort(), ['group.user_added', 'group.user_added', 'group.user_removed']);
    assert.ok(fresh.every((e) => e.resource_version === fresh[0]?.resource_version), 'one version for the whole change');
    assert.equal(fresh.find((e) => e.type === 'group.user_removed')?.data.user?.id, users[0]);
  });

  it('an unknown member rejects the whole request; nothing is applied', async () => {
    const before = await state();
    const res = await scim('PATCH', `/Groups/${groupId}`, okta([{ op: 'add', path: 'members', value: [{ value: users[3] }, { value: '00000000-0000-4000-8000-000000000000' }] }]));
    assert.equal(res.status, 400);
    assert.equal(res.body.scimType, 'invalidValue');
    assert.deepEqual(await state(), before);
  });

  it('a rename with a member add writes the document and both events', async () => {
    const n = (await events()).length;
    const res = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Fast renamed' } }, { op: 'add', path: 'members', value: [{ value: users[3] }] }] });
    assert.equal(res.status, 204, res.text);
    const after = await state();
    assert.equal(after.name, 'Fast renamed');
    assert.ok(after.members.includes(users[3]));
    assert.deepEqual((await events()).slice(n).map((e) => e.type).sort(), ['group.updated', 'group.user_added']);
  });

  it('If-Match with a stale ETag is 412 and applies nothing', async () => {
    const before = await state();
    const res = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${users[3]}"]` }] }, { 'If-Match': 'W/"1"' });
    assert.equal(res.status, 412);
    assert.deepEqual(await state(), before);
  });

  it('the same id added and removed in one request keeps the operations order (locking path)', async () => {
    const res = await scim('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }] }, { op: 'remove', path: `members[value eq "${users[0]}"]` }] });
    assert.equal(res.status, 204, res.text);
    assert.ok(!(await state()).members.includes(users[0]));
  });

  it('a job delivered twice (BullMQ retry, stalled job) applies once; concurrent deliveries too', async () => {
    const group = await env.db('groups').where({ id: groupId }).first();
    const dir = await env.db('directories').where({ id: group.directory_id }).first();
    const job = (user: string): ScimWriteJob => ({
      operationId: randomUUID(), directoryId: group.directory_id, organizationId: dir.organization_id, requestId: 'test', method: 'PATCH', resourceType: 'Group',
      resourceId: groupId, body: okta([{ op: 'add', path: 'members', value: [{ value: user }] }]), baseUrl: 'http://x', replyTo: 'none', receivedAt: Date.now(), summary: 'PATCH /Groups',
    });
    const once = job(users[0] ?? '');
    const first = await applyScimWrite(env.db, once, 1);
    const second = await applyScimWrite(env.db, once, 2);
    assert.equal(first.replayed, false);
    assert.equal(second.replayed, true);
    assert.deepEqual(second.result, first.result);
    const racing = job(users[1] ?? '');
    await scim('PATCH', `/Groups/${groupId}`, okta([{ op: 'remove', path: `members[value eq "${users[1]}"]` }]));
    const n = (await events()).length;
    const both = await Promise.all([applyScimWrite(env.db, racing, 1), applyScimWrite(env.db, racing, 1)]);
    assert.equal(both.filter((b) => b.replayed).length, 1);
    assert.deepEqual(both[0]?.result, both[1]?.result);
    assert.equal((await events()).length, n + 1, 'one user_added event');
    assert.equal((await env.db('operations').where({ id: racing.operationId })).length, 1);
  });
});
