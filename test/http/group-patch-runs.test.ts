import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Okta's per-member remove ops are applied as one statement per run; the outcome must not change. */
describe('group PATCH with many per-member ops', () => {
  let env: TestEnv;
  let scim: ScimClient;
  const ids: string[] = [];
  let groupId = '';

  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
    for (let i = 0; i < 30; i++) {
      const res = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `run${i}@example.com` });
      ids.push(res.body.id);
    }
    const g = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Runs', members: ids.map((value) => ({ value })) });
    groupId = g.body.id;
  });
  after(async () => env.close());

  const members = async () => ((await scim('GET', `/Groups/${groupId}`)).body.members ?? []).map((m: { value: string }) => m.value).sort();

  it('20 remove ops, then add of one of them, then remove again: order across kinds is kept, one event per change', async () => {
    const removed = ids.slice(0, 20);
    const [back, again] = [ids[0] ?? '', ids[1] ?? ''];
    const res = await scim('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [
        ...removed.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
        { op: 'add', path: 'members', value: [{ value: back }, { value: again }] },
        { op: 'remove', path: `members[value eq "${again}"]` },
        { op: 'remove', path: `members[value eq "${again}"]` },
      ],
    });
    assert.equal(res.status, 204, res.text);
    assert.deepEqual(await members(), [back, ...ids.slice(20)].sort());
    const events = await env.db('events').where({ resource_id: groupId, type: 'group.user_removed' }).count<{ count: number }[]>({ count: '*' });
    assert.equal(Number(events[0]?.count), 19, 'net removals: 20 minus the one added back');
  });
});
