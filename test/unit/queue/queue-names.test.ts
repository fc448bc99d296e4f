import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUE_NAMES } from '../../../src/queue/queue-names';

describe('QUEUE_NAMES', () => {
  it('lists the scim and reconcile queues under their own names, each once', () => {
    assert.deepEqual(QUEUE_NAMES, { scim: 'scim', reconcile: 'reconcile' });
    const values = Object.values(QUEUE_NAMES);
    assert.equal(new Set(values).size, values.length);
    for (const v of values) assert.doesNotMatch(v, /:/, 'BullMQ uses ":" as its key separator');
  });
});
