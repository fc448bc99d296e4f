import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { cliStdout } from '../support/dirsync-cli';
import { scimClient } from '../support/scim-client';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, patch } from '../support/okta-bodies';

const MANAGER = `${ENTERPRISE_SCHEMA}:manager`;

/** Issue #14's check: an Entra directory made with `npx dirsync create-directory --provider entra --json` takes Entra's shapes. */
describe('create-directory --provider entra', () => {
  let env: TestEnv;
  const cli = async (...args: string[]) => JSON.parse(await cliStdout(env, ...args)) as Record<string, string>;

  before(async () => {
    env = await createTestEnv();
  });
  after(async () => env.close());

  it('gives an entra directory on which the manager string forms and the duplicate group 409 work', async () => {
    await cli('create-organization', '--name', 'Contoso', '--enable-directory-sync', '--json');
    const d = await cli('create-directory', '--org', 'Contoso', '--provider', 'entra', '--json');
    assert.equal(d['provider'], 'entra');
    assert.equal((await env.db('directories').where({ id: d['directoryId'] }).first('provider')).provider, 'entra');
    const scim = scimClient(d['scimBaseUrl'] as string, d['token'] as string);
    const boss = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'boss@contoso.example' });
    const user = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'emp@contoso.example' });
    assert.equal(user.status, 201, user.text);
    assert.equal((await scim('PATCH', `/Users/${user.body.id}`, patch({ op: 'Add', path: MANAGER, value: boss.body.id }))).status, 200);
    assert.deepEqual((await scim('GET', `/Users/${user.body.id}`)).body[ENTERPRISE_SCHEMA].manager, { value: boss.body.id });
    assert.equal((await scim('PATCH', `/Users/${user.body.id}`, patch({ op: 'Replace', path: MANAGER, value: user.body.id }))).status, 200);
    assert.deepEqual((await scim('GET', `/Users/${user.body.id}`)).body[ENTERPRISE_SCHEMA].manager, { value: user.body.id });
    assert.equal((await scim('PATCH', `/Users/${user.body.id}`, patch({ op: 'replace', path: MANAGER, value: '' }))).status, 200);
    assert.equal((await scim('GET', `/Users/${user.body.id}`)).body[ENTERPRISE_SCHEMA], undefined);
    assert.equal((await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' })).status, 201);
    const dup = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.scimType, 'uniqueness');
  });
});
