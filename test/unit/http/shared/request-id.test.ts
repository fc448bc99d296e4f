import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestId } from '../../../../src/http/shared/request-id';
import { contextFor, runMiddleware } from '../../../support/koa-context';

const idFor = async (incoming?: string) => {
  const ctx = contextFor({ path: '/', headers: incoming === undefined ? {} : { 'x-request-id': incoming } });
  await runMiddleware(requestId(), ctx);
  assert.equal(ctx.response.get('X-Request-Id'), ctx.state.requestId, 'echoed back');
  return ctx.state.requestId as string;
};

describe('requestId', () => {
  it("keeps the router's id when it is sane", async () => {
    assert.equal(await idFor('abc-123_x.y:z'), 'abc-123_x.y:z');
  });

  it('makes a uuid when it is missing, too long or carries other characters (no log injection)', async () => {
    for (const bad of [undefined, '', 'a'.repeat(129), 'a b', 'x\ny', '<script>']) {
      assert.match(await idFor(bad), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, String(bad));
    }
    assert.notEqual(await idFor(), await idFor());
  });
});
