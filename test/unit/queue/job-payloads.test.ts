import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scimJobName } from '../../../src/queue/job-payloads';

describe('scimJobName', () => {
  it('names jobs resource.action', () => {
    assert.equal(scimJobName({ method: 'POST', resourceType: 'User' }), 'user.create');
    assert.equal(scimJobName({ method: 'PUT', resourceType: 'Group' }), 'group.replace');
    assert.equal(scimJobName({ method: 'PATCH', resourceType: 'User' }), 'user.patch');
    assert.equal(scimJobName({ method: 'DELETE', resourceType: 'Group' }), 'group.delete');
  });
});
