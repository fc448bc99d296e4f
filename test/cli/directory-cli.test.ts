import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { runCli } from '../support/dirsync-cli';
import { scimClient } from '../support/scim-client';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/dirsync');

describe('ops CLI (npx dirsync …)', () => {
  let env: TestEnv;
  const cli = (...args: string[]) => runCli(env, ...args);

  before(async () => {
    env = await createTestEnv();
  });
  after(async () => env.close());

  it('create-organization, create-directory --json gives a working SCIM URL and token', async () => {
    const org = await cli('create-organization', '--name', 'Acme Corp', '--enable-directory-sync', '--json');
    assert.equal(org.code, 0, org.stderr);
    const orgJson = JSON.parse(org.stdout);
    assert.equal(orgJson.name, 'Acme Corp');
    const dir = await cli('create-directory', '--org', 'acme corp', '--provider', 'okta', '--json');
    assert.equal(dir.code, 0, dir.stderr);
    const d = JSON.parse(dir.stdout);
    assert.equal(d.organizationId, orgJson.organizationId);
    assert.match(d.token, /^dsk_[A-Za-z0-9_-]{43}$/);
    assert.equal(d.scimBaseUrl, `${env.baseUrl}/scim/v2/${d.directoryId}`);
    const res = await scimClient(d.scimBaseUrl, d.token)('GET', '/Users?startIndex=1&count=2');
    assert.equal(res.status, 200);

    const list = JSON.parse((await cli('list-directories', '--json')).stdout);
    assert.equal(list.length, 1);
    assert.equal(JSON.stringify(list).includes(d.token), false, 'tokens are never listed');

    const rotated = await cli('rotate-token', '--directory', d.directoryId, '--grace', '0', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const newToken = JSON.parse(rotated.stdout).token;
    assert.equal((await scimClient(d.scimBaseUrl, d.token)('GET', '/Users')).status, 401);
    assert.equal((await scimClient(d.scimBaseUrl, newToken)('GET', '/Users')).status, 200);
  });

  it('an unknown organization creates nothing and says so', async () => {
    const before = await env.db('directories').count<{ c: number }[]>({ c: '*' });
    const res = await cli('create-directory', '--org', 'No Such Org', '--json');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /No organization "No Such Org"/);
    assert.equal(res.stdout, '');
    assert.deepEqual(await env.db('directories').count<{ c: number }[]>({ c: '*' }), before);
  });

  it('configuration problems are listed in one message', async () => {
    const { stderr, code } = await run(BIN, ['list-directories'], { env: { ...process.env, PORT: 'abc', WORKER_CONCURRENCY: '0' } }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    assert.equal(code, 1);
    assert.match(stderr, /PORT/);
    assert.match(stderr, /WORKER_CONCURRENCY/);
  });
});
