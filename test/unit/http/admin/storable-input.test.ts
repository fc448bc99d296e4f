import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyParser } from '@koa/bodyparser';
import { pino } from 'pino';
import { storableInput } from '../../../../src/http/admin/storable-input';
import { jsonErrorHandler } from '../../../../src/http/admin/json-error-handler';
import { appOf, serve, type Served } from '../../../support/koa-request';

describe('storableInput', () => {
  let s: Served;
  before(async () => {
    s = await serve(appOf(jsonErrorHandler(pino({ level: 'silent' })), bodyParser(), storableInput()));
  });
  after(() => s.close());
  const post = (path: string, raw: string) => s.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });

  it('lets ordinary text through', async () => {
    assert.equal((await post('/?name=Zo%C3%AB', '{"name":"Zoë 😀"}')).status, 200);
  });

  it('refuses U+0000 and lone surrogates in the body, keys included', async () => {
    for (const raw of ['{"name":"a\\u0000b"}', '{"name":"\\ud800"}', '{"\\udc00":"x"}', '{"a":[{"b":"\\u0000"}]}']) {
      const res = await post('/', raw);
      assert.equal(res.status, 400, raw);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /request body/);
    }
  });

  it('refuses them in the query string', async () => {
    const res = await s.request('/?cursor=%00');
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /query string/);
  });
});
