import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { presentSink } from '../../../src/delivery/sink-view';
import type { SinkWithSecret } from '../../../src/store/sink-store';

describe('presentSink', () => {
  it('shows a sink with ISO dates and never its secret or organization', () => {
    const sink: SinkWithSecret = {
      id: 's1',
      organizationId: 'o1',
      kind: 'webhook',
      name: 'App',
      url: 'https://hooks.example.com/',
      timeoutMs: 5000,
      enabled: true,
      deliverFrom: new Date('2024-01-01T00:00:00Z'),
      createdAt: new Date('2024-01-02T00:00:00Z'),
      sealedSecret: 'enc1:secret',
    };
    const shown = presentSink(sink);
    assert.deepEqual(shown, { id: 's1', kind: 'webhook', name: 'App', url: 'https://hooks.example.com/', timeoutMs: 5000, enabled: true, deliverFrom: '2024-01-01T00:00:00.000Z', createdAt: '2024-01-02T00:00:00.000Z' });
    assert.ok(!JSON.stringify(shown).includes('secret'));
  });
});
