import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The directory's primary_email and the app model's email come from one rule (src/scim/user-document.ts). */
describe('app_users.email equals users.primary_email for every email shape', () => {
  let env: TestEnv;
  let scim: ScimClient;
  before(async () => {
    env = await createTestEnv();
    const dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  const shapes: [string, unknown][] = [
    ['okta', [{ primary: true, value: 'okta@x.example', type: 'work' }]],
    ['entra', [{ value: 'home@x.example', type: 'home' }, { value: 'entra@x.example', type: 'work', primary: false }]],
    ['valueless work first', [{ type: 'work' }, { value: 'second@x.example' }]],
    ['onelogin blanks', [{ value: 'ol@x.example', type: 'work' }]],
    ['no emails', undefined],
  ];

  it('creates one user per shape and compares the two columns once delivered', async () => {
    const ids: string[] = [];
    for (const [name, emails] of shapes) {
      const res = await scim('POST', '/Users', { schemas: [USER], userName: `${name.replace(/ /g, '-')}@shape.example`, ...(emails ? { emails } : {}) });
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.id);
    }
    const deadline = Date.now() + 15_000;
    let rows: { id: string; primary_email: string | null; email: string | null }[] = [];
    while (Date.now() < deadline) {
      rows = await env.db('users as u').join('app_users as a', 'a.directory_user_id', 'u.id').whereIn('u.id', ids).select('u.id', 'u.primary_email', 'a.email');
      if (rows.length === ids.length) break;
      await sleep(50);
    }
    assert.equal(rows.length, ids.length, 'every user reached the app model');
    for (const r of rows) assert.equal(r.email, r.primary_email, `user ${r.id}`);
    assert.deepEqual(rows.map((r) => r.primary_email).sort(), ['entra@x.example', 'ol@x.example', 'okta@x.example', 'second@x.example', null].sort());
  });
});
