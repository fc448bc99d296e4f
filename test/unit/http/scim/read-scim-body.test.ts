import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { readScimBody } from '../../../../src/http/scim/read-scim-body';
import { ScimError, scimErrorBody } from '../../../../src/scim/scim-error';
import { serve, type Served } from '../../../support/koa-request';

describe('readScimBody', () => {
  let s: Served;
  before(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx) => {
      try {
        ctx.body = { parsed: await readScimBody(ctx, { maxBytes: 200, maxDepth: 3 }) };
      } catch (e) {
        assert.ok(e instanceof ScimError, 'only ScimError escapes');
        ctx.status = e.status;
        ctx.body = scimErrorBody(e);
      }
    });
    s = await serve(app);
  });
  after(() => s.close());

  const post = async (body: string | Uint8Array) => {
    const res = await s.request('/', { method: 'POST', headers: { 'content-type': 'application/scim+json' }, body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('parses a JSON object', async () => {
    assert.deepEqual(await post('{"userName":"zoë"}'), { status: 200, json: { parsed: { userName: 'zoë' } } });
  });

  it('refuses a body over the limit with 413', async () => {
    assert.equal((await post(JSON.stringify({ a: 'x'.repeat(300) }))).status, 413);
  });

  it('refuses empty, non-JSON, non-UTF-8 and non-object bodies as invalidSyntax', async () => {
    for (const body of ['', '  ', '{bad', '[1]', '"s"', 'null', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])]) {
      const r = await post(body);
      assert.equal(r.status, 400, String(body));
      assert.equal(r.json['scimType'], 'invalidSyntax', String(body));
    }
  });

  it('refuses nesting beyond the limit and text PostgreSQL cannot store', async () => {
    assert.match(String((await post('{"a":{"b":{"c":{}}}}')).json['detail']), /nests deeper than 3/);
    const nul = await post('{"userName":"a\\u0000"}');
    assert.deepEqual([nul.status, nul.json['scimType']], [400, 'invalidValue']);
  });
});
