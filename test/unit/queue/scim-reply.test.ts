import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeReplies, decodeReply, encodeReplies, encodeReply, replyChannel } from '../../../src/queue/scim-reply';

const reply = { operationId: 'op-1', result: { status: 201, body: { id: 'u', note: 'line\nbreak' }, etag: 'W/"1"', location: 'https://h/Users/u' } };

describe('SCIM reply wire format', () => {
  it('puts the operation id first, then the JSON result, and round-trips', () => {
    const message = encodeReply(reply);
    assert.ok(message.startsWith('op-1\n'));
    assert.deepEqual(decodeReply(message, () => true), reply);
  });

  it('parses only the replies the process waits for', () => {
    let parsed = 0;
    const wanted = (id: string) => {
      parsed++;
      return id === 'mine';
    };
    assert.equal(decodeReply(encodeReply({ ...reply, operationId: 'other' }), wanted), undefined);
    assert.deepEqual(decodeReply(encodeReply({ ...reply, operationId: 'mine' }), wanted)?.operationId, 'mine');
    assert.equal(parsed, 2);
  });

  it('ignores malformed messages instead of throwing', () => {
    for (const m of ['', 'no-newline', '\n{}', 'op-1\n{not json', 'op-1\n']) assert.equal(decodeReply(m, () => true), undefined, JSON.stringify(m));
  });

  it('carries several replies in one message and returns only the wanted ones', () => {
    const message = encodeReplies([reply, { operationId: 'op-2', result: { status: 204 } }, { operationId: 'op-3', result: { status: 409 } }]);
    assert.deepEqual(decodeReplies(message, (id) => id !== 'op-2').map((r) => r.operationId), ['op-1', 'op-3']);
    assert.deepEqual(decodeReplies(encodeReply(reply), () => true), [reply], 'a one-reply message is the single format');
    assert.deepEqual(decodeReplies('garbage\x1eop-9\n{}', () => true).map((r) => r.operationId), ['op-9']);
  });

  it('names the channel under the queue prefix', () => {
    assert.equal(replyChannel('dirsync'), 'dirsync:scim-replies');
  });
});
