/**
 * Regression (found by `npm run chaos`, docs/chaos.md): while PostgreSQL restarts,
 * SCIM requests used to get 500 (Okta fails the task) instead of 503 + Retry-After
 * (Okta retries). The service here reaches PostgreSQL through the chaos TCP proxy,
 * which is stopped (connections cut, then refused) and started again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PgProxy } from '../../chaos/pg-proxy';
import { oktaUser, lookupPath } from '../support/okta-bodies';
import { scimClient } from '../support/scim-client';
import type { TestEnv } from '../support/test-env';
import * as testEnvModule from '../support/test-env';

describe('PostgreSQL unavailable under /scim', () => {
  const proxy = new PgProxy('127.0.0.1', 5432);
  let env: TestEnv;

  before(async () => {
    await proxy.start();
    // Route this file's runtimes through the proxy (test-env reads TEST_PG_URL at call time).
    process.env['TEST_PG_URL'] = `postgres://postgres@127.0.0.1:${proxy.port}`;
    env = await testEnvModule.createTestEnv({ env: { SCIM_RETRY_AFTER_SECONDS: '2' } });
  });
  after(async () => {
    await proxy.start().catch(() => undefined);
    await env.close();
    await proxy.stop();
  });

  it('reads and writes answer 503 with Retry-After during the outage, and work again after it', async () => {
    const dir = await env.createDirectory();
    const scim = scimClient(dir.scimUrl, dir.token);
    assert.equal((await scim('GET', lookupPath('before@example.com'))).status, 200);

    await proxy.stop();
    for (const [method, path, body] of [
      ['GET', lookupPath('during@example.com'), undefined],
      ['POST', '/Users', oktaUser('during@example.com')],
      ['GET', '/Users?startIndex=1&count=100', undefined],
    ] as const) {
      const res = await scim(method, path, body);
      assert.equal(res.status, 503, `${method} ${path}: ${res.text}`);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
      assert.doesNotMatch(res.text, /select|ECONNREFUSED|\bat /i, 'nothing internal in the body');
    }

    await proxy.start();
    const created = await scim('POST', '/Users', oktaUser('during@example.com'));
    assert.equal(created.status, 201, created.text);
    assert.equal((await scim('GET', lookupPath('during@example.com'))).body.totalResults, 1);
  });
});
