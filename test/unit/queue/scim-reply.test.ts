import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeReply, encodeReply, replyChannel } from '../../../src/queue/scim-reply';

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

  it('names the channel under the queue prefix', () => {
    assert.equal(replyChannel('dirsync'), 'dirsync:scim-replies');
  });
});
