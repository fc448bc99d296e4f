import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scimMetrics, scimResourceLabel } from '../../../../src/http/shared/request-metrics';
import { createProcessMetrics } from '../../../../src/ops/process-metrics';
import { contextFor, runMiddleware } from '../../../support/koa-context';

describe('scimResourceLabel', () => {
  it('names the SCIM resource and never an id', () => {
    assert.equal(scimResourceLabel('/scim/v2/dir-1/Users'), 'Users');
    assert.equal(scimResourceLabel('/scim/v2/dir-1/Groups/abc'), 'Groups');
    assert.equal(scimResourceLabel('/scim/v2/dir-1/.search'), '.search');
    assert.equal(scimResourceLabel('/scim/v2/dir-1/2c8e6b5e'), 'other');
    assert.equal(scimResourceLabel('/scim/v2'), 'other');
  });
});

describe('scimMetrics', () => {
  it('counts and times SCIM requests by method, resource and final status', async () => {
    const metrics = createProcessMetrics();
    const ctx = contextFor({ path: '/scim/v2/d/Users', method: 'POST' });
    await runMiddleware(scimMetrics(metrics), ctx, (c) => (c.status = 201));
    const counted = (await metrics.scimRequests.get()).values;
    assert.deepEqual(counted.map((v) => [v.labels, v.value]), [[{ method: 'POST', resource: 'Users', status: '201' }, 1]]);
    const timed = (await metrics.scimDuration.get()).values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'));
    assert.equal(timed?.value, 1);
  });

  it('ignores everything outside /scim/', async () => {
    const metrics = createProcessMetrics();
    assert.equal(await runMiddleware(scimMetrics(metrics), contextFor({ path: '/portal' })), true);
    assert.deepEqual((await metrics.scimRequests.get()).values, []);
  });
});
