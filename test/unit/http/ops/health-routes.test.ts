import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { createHealthRouter } from '../../../../src/http/ops/health-routes';
import { serve, type Served } from '../../../support/koa-request';

describe('health routes', () => {
  let checks: () => Promise<Record<string, boolean>>;
  let s: Served;
  before(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(createHealthRouter({ readiness: () => checks() }).routes());
    s = await serve(app);
  });
  after(() => s.close());

  it('/healthz answers ok without asking anything', async () => {
    checks = () => Promise.reject(new Error('must not be called'));
    const res = await s.request('/healthz');
    assert.deepEqual([res.status, await res.json()], [200, { status: 'ok' }]);
  });

  it('/readyz is 200 only when every check passes', async () => {
    checks = () => Promise.resolve({ postgres: true, redis: true, migrations: true });
    let res = await s.request('/readyz');
    assert.deepEqual([res.status, await res.json()], [200, { status: 'ready', checks: { postgres: true, redis: true, migrations: true } }]);
    checks = () => Promise.resolve({ postgres: true, redis: false });
    res = await s.request('/readyz');
    assert.deepEqual([res.status, await res.json()], [503, { status: 'not ready', checks: { postgres: true, redis: false } }]);
  });

  it('/readyz is 503 when the check itself fails', async () => {
    checks = () => Promise.reject(new Error('timeout'));
    const res = await s.request('/readyz');
    assert.deepEqual([res.status, await res.json()], [503, { status: 'not ready', checks: { readiness: false } }]);
  });

  it('routes are exact (strict and case-sensitive)', async () => {
    assert.equal((await s.request('/HEALTHZ')).status, 404);
    assert.equal((await s.request('/healthz/')).status, 404);
  });
});
