import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyPublisher } from '../../../src/queue/reply-publisher';
import { decodeReplies } from '../../../src/queue/scim-reply';

describe('ReplyPublisher: replies ready together leave in one PUBLISH per channel', () => {
  it('joins the replies of one turn, per channel, and each round-trips', async () => {
    const sent: [string, string][] = [];
    const publisher = new ReplyPublisher({ publish: (channel: string, message: string) => (sent.push([channel, message]), Promise.resolve(1)) } as never);
    await Promise.all([
      publisher.publish('a', { operationId: 'op-1', result: { status: 201, body: { id: '1' } } }),
      publisher.publish('a', { operationId: 'op-2', result: { status: 409, body: { detail: 'taken\u001e' } } }),
      publisher.publish('b', { operationId: 'op-3', result: { status: 204 } }),
    ]);
    assert.deepEqual(sent.map(([c]) => c), ['a', 'b']);
    const a = decodeReplies(sent[0]![1], () => true);
    assert.deepEqual(a.map((r) => [r.operationId, r.result.status]), [['op-1', 201], ['op-2', 409]]);
    assert.deepEqual(a[1]?.result.body, { detail: 'taken\u001e' }, 'a separator inside a value is escaped by JSON, not split on');
    await publisher.publish('a', { operationId: 'op-4', result: { status: 200 } });
    assert.equal(sent.length, 3, 'a later turn is a new message');
  });

  it('rejects the replies of a failed PUBLISH', async () => {
    const publisher = new ReplyPublisher({ publish: () => Promise.reject(new Error('gone')) } as never);
    await assert.rejects(publisher.publish('a', { operationId: 'op-1', result: { status: 201 } }), /gone/);
  });
});
