import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { operationFields } from '../../../src/provisioning/operation-fields';
import type { ScimWriteJob } from '../../../src/queue/job-payloads';

const job: ScimWriteJob = {
  operationId: 'op-1',
  directoryId: 'd-1',
  organizationId: 'o-1',
  requestId: 'r-1',
  method: 'PATCH',
  resourceType: 'User',
  resourceId: 'u-1',
  body: { secret: 'never copied' },
  baseUrl: 'https://h/scim/v2/d-1',
  replyTo: 'chan',
  receivedAt: 1_700_000_000_000,
  summary: 'PATCH /Users/u-1',
};

describe('operationFields', () => {
  it('copies the ids and summary, never the body, and measures the time spent queued', () => {
    assert.deepEqual(operationFields(job, 2, 1_700_000_000_250), {
      operationId: 'op-1',
      directoryId: 'd-1',
      organizationId: 'o-1',
      requestId: 'r-1',
      method: 'PATCH',
      summary: 'PATCH /Users/u-1',
      receivedAt: new Date(1_700_000_000_000),
      queueMs: 250,
      attempts: 2,
    });
  });

  it('never reports a negative queue time (clocks of web and worker differ)', () => {
    assert.equal(operationFields(job, 1, 1_699_999_999_000).queueMs, 0);
  });
});
