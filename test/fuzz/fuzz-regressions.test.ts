import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createTestEnv, type TestDirectory, type TestEnv } from '../support/test-env';
import { scimClient, type ScimClient } from '../support/scim-client';
import { containsUnstorableText } from '../../src/scim/storable-text';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Inputs the fuzzer found answered 5xx or without a SCIM body, pinned one by one. */
describe('fuzzer regressions', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  let scim: ScimClient;

  before(async () => {
    env = await createTestEnv({ env: { SCIM_REPLY_TIMEOUT_MS: '3000' } });
    dir = await env.createDirectory();
    scim = scimClient(dir.scimUrl, dir.token);
  });
  after(async () => env.close());

  it('finds U+0000 and unpaired surrogates in values and keys, accepts paired ones', () => {
    assert.equal(containsUnstorableText({ a: ['x\u0000'] }), true);
    assert.equal(containsUnstorableText({ ['k\u0000']: 1 }), true);
    assert.equal(containsUnstorableText(['\ud800']), true);
    assert.equal(containsUnstorableText('\udfff lone'), true);
    assert.equal(containsUnstorableText({ name: '𝕛𝕒𝕟𝕖 ǰ é', n: 1, b: null }), false);
  });

  // Was: PostgreSQL refused the value in the worker, BullMQ retried 5 times, the client got 503.
  for (const [label, raw] of [
    ['U+0000 in a group displayName', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A\\u0000B","members":[]}'],
    ['a lone low surrogate in externalId', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"s1@example.com","externalId":"\\udfff"}'],
    ['a lone high surrogate in an unknown key', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","DISPLAYNAME":"\\ud800"}'],
  ] as const) {
    it(`${label} is a 400 invalidValue and nothing is written`, async () => {
      const res = await scim('POST', raw.includes('Group"]') ? '/Groups' : '/Users', raw);
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body.schemas, [ERROR_SCHEMA]);
      assert.equal(res.body.scimType, 'invalidValue');
    });
  }

  it('a request line over 16 KB gets a SCIM error body (431), not an empty answer', async () => {
    const url = new URL(`${dir.scimUrl}/Users?filter=${'a'.repeat(20_000)}`);
    const res = await new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      http
        .get({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { Authorization: `Bearer ${dir.token}` } }, (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), text }));
        })
        .on('error', reject);
    });
    assert.equal(res.status, 431);
    assert.match(res.type, /application\/scim\+json/);
    const body = JSON.parse(res.text) as { schemas: string[]; status: string; detail: string };
    assert.deepEqual(body.schemas, [ERROR_SCHEMA]);
    assert.equal(body.status, '431');
    assert.equal(await env.db('users').count<{ count: number }[]>({ count: '*' }).then((r) => Number(r[0]?.count)), 0);
  });
});
