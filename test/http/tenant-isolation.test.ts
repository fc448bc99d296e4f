import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser, oktaGroup, patch } from '../support/okta-bodies';
import { DirectoryStore } from '../../src/store/directory-store';
import { OrganizationStore } from '../../src/store/organization-store';

describe('tenant isolation (G6)', () => {
  let env: TestEnv;
  let a: TestDirectory;
  let b: TestDirectory;
  let aUserId = '';

  before(async () => {
    env = await createTestEnv();
    a = await env.createDirectory();
    b = await env.createDirectory();
    const created = await scimClient(a.scimUrl, a.token)('POST', '/Users', oktaUser('shared@example.com'));
    assert.equal(created.status, 201);
    aUserId = created.body.id;
  });
  after(async () => env.close());

  it("A's token gets the same 401 on B, on an unknown directory and on a disabled one", async () => {
    const disabled = await env.createDirectory();
    await new DirectoryStore(env.db).setStatus(disabled.directoryId, 'disabled');
    const targets = [
      b.scimUrl,
      `${env.baseUrl}/scim/v2/7d3e6a52-1111-4bbb-8ccc-0123456789ab`,
      `${env.baseUrl}/scim/v2/not-a-uuid`,
      disabled.scimUrl,
    ];
    const answers = [];
    for (const url of targets) {
      for (const [method, path, body] of [['GET', '/Users'], ['POST', '/Users', oktaUser('x@example.com')], ['GET', `/Users/${aUserId}`], ['PATCH', `/Users/${aUserId}`, patch({ op: 'replace', value: { active: false } })], ['GET', '/ServiceProviderConfig'], ['DELETE', `/Users/${aUserId}`]] as const) {
        const res = await scimClient(url, a.token)(method, path, body);
        assert.equal(res.status, 401, `${method} ${url}${path}`);
        answers.push(res.text);
      }
    }
    assert.equal(new Set(answers).size, 1, 'identical answers: nothing tells the directories apart');
    // The disabled directory's own token is refused too.
    assert.equal((await scimClient(disabled.scimUrl, disabled.token)('GET', '/Users')).status, 401);
  });

  it("B's own token never sees or touches A's resources", async () => {
    const scimB = scimClient(b.scimUrl, b.token);
    assert.equal((await scimB('GET', `/Users/${aUserId}`)).status, 404);
    assert.equal((await scimB('PATCH', `/Users/${aUserId}`, patch({ op: 'replace', value: { active: false } }))).status, 404);
    assert.equal((await scimB('DELETE', `/Users/${aUserId}`)).status, 404);
    const list = await scimB('GET', '/Users?filter=userName%20eq%20%22shared%40example.com%22');
    assert.equal(list.body.totalResults, 0);
    // Same userName in B is allowed (uniqueness is per directory)…
    assert.equal((await scimB('POST', '/Users', oktaUser('shared@example.com'))).status, 201);
    // …but B cannot put A's user into its group.
    const g = await scimB('POST', '/Groups', oktaGroup('B group', [aUserId]));
    assert.equal(g.status, 400);
    const aUser = await scimClient(a.scimUrl, a.token)('GET', `/Users/${aUserId}`);
    assert.equal(aUser.body.active, true);
  });

  it('organization with Directory Sync disabled, revoked and expired tokens: 401', async () => {
    const c = await env.createDirectory();
    const scimC = scimClient(c.scimUrl, c.token);
    assert.equal((await scimC('GET', '/Users')).status, 200);
    await new OrganizationStore(env.db).update(c.organizationId, { directorySyncEnabled: false });
    assert.equal((await scimC('GET', '/Users')).status, 401);
    await new OrganizationStore(env.db).update(c.organizationId, { directorySyncEnabled: true });

    const dirs = new DirectoryStore(env.db);
    const rotated = await dirs.rotateToken(c.directoryId, 3600);
    assert.equal((await scimC('GET', '/Users')).status, 200, 'old token works during the grace period');
    assert.equal((await scimClient(c.scimUrl, rotated)('GET', '/Users')).status, 200);
    await dirs.revokeTokens(c.directoryId);
    assert.equal((await scimC('GET', '/Users')).status, 401, 'old token refused once revoked');
    assert.equal((await scimClient(c.scimUrl, rotated)('GET', '/Users')).status, 200);
    const immediate = await dirs.rotateToken(c.directoryId, 0);
    assert.equal((await scimClient(c.scimUrl, rotated)('GET', '/Users')).status, 401, 'grace 0 ends the old token at once');
    assert.equal((await scimClient(c.scimUrl, immediate)('GET', '/Users')).status, 200);
  });

  it('tokens are ≥ 256 random bits and stored only as a hash', async () => {
    const rows = await env.db('directory_tokens').select('token_hash', 'prefix');
    for (const r of rows) {
      assert.equal(r.token_hash.length, 32);
      assert.ok(r.prefix.length <= 10);
    }
    assert.ok(Buffer.from(a.token.slice(4), 'base64url').length >= 32);
    const dump = JSON.stringify(await env.db('directory_tokens').select('*'));
    assert.equal(dump.includes(a.token), false);
  });
});
