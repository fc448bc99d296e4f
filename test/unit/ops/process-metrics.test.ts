import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createProcessMetrics } from '../../../src/ops/process-metrics';

describe('createProcessMetrics', () => {
  it('registers the SCIM and throttling metrics and the runtime defaults under dirsync_', async () => {
    const m = createProcessMetrics();
    m.scimRequests.inc({ method: 'GET', resource: 'Users', status: '200' });
    m.throttled.inc({ reason: 'directory' });
    m.scimDuration.observe({ method: 'GET', resource: 'Users', status: '200' }, 0.03);
    const text = await m.registry.metrics();
    assert.match(text, /dirsync_scim_requests_total\{method="GET",resource="Users",status="200"\} 1/);
    assert.match(text, /dirsync_scim_throttled_total\{reason="directory"\} 1/);
    assert.match(text, /dirsync_scim_request_duration_seconds_bucket\{le="20"/);
    assert.match(text, /dirsync_process_cpu_user_seconds_total/);
  });

  it('gives each call its own registry (no duplicate-registration error, no shared counts)', async () => {
    const a = createProcessMetrics();
    const b = createProcessMetrics();
    a.throttled.inc({ reason: 'auth_failures' });
    assert.deepEqual((await b.throttled.get()).values, []);
  });
});
