import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminAuth } from '../../../../src/http/admin/admin-auth';
import { jsonErrorHandler } from '../../../../src/http/admin/json-error-handler';
import { pino } from 'pino';
import { appOf, serve, type Served } from '../../../support/koa-request';

describe('adminAuth', () => {
  let on: Served;
  let off: Served;
  before(async () => {
    const log = pino({ level: 'silent' });
    on = await serve(appOf(jsonErrorHandler(log), adminAuth('the-admin-key')));
    off = await serve(appOf(jsonErrorHandler(log), adminAuth(undefined)));
  });
  after(async () => {
    await on.close();
    await off.close();
  });

  it('lets the exact key through as a Bearer token, scheme case-insensitive', async () => {
    assert.equal((await on.request('/', { headers: { authorization: 'Bearer the-admin-key' } })).status, 200);
    assert.equal((await on.request('/', { headers: { authorization: 'bearer the-admin-key ' } })).status, 200);
  });

  it('answers 401 with a challenge for a missing, wrong or malformed key', async () => {
    for (const authorization of [undefined, 'Bearer nope', 'Basic the-admin-key', 'Bearer the-admin-key extra', 'Bearer ']) {
      const res = await on.request('/', authorization ? { headers: { authorization } } : {});
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="dirsync admin"');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
    }
  });

  it('is closed (503), not open, without a configured key', async () => {
    const res = await off.request('/', { headers: { authorization: 'Bearer anything' } });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'admin_api_disabled');
  });
});
