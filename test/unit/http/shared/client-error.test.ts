import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { answerClientError } from '../../../../src/http/shared/client-error';

function answer(code: string | undefined): { text: string; destroyed: boolean } {
  const socket = new PassThrough();
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  answerClientError(Object.assign(new Error('x'), code ? { code } : {}), socket);
  socket.read();
  return { text, destroyed: socket.destroyed };
}

describe('answerClientError', () => {
  it('answers oversized headers with 431 and a SCIM error body', () => {
    const { text } = answer('HPE_HEADER_OVERFLOW');
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(head, /Content-Type: application\/scim\+json; charset=utf-8/);
    assert.match(head, new RegExp(`Content-Length: ${Buffer.byteLength(body)}`));
    assert.match(head, /Connection: close/);
    assert.deepEqual(JSON.parse(body), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431', detail: 'Request line or headers too large' });
  });

  it('answers a timeout with 408 and anything else with 400', () => {
    assert.match(answer('ERR_HTTP_REQUEST_TIMEOUT').text, /^HTTP\/1\.1 408 /);
    assert.match(answer('HPE_INVALID_METHOD').text, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(answer(undefined).text, /"detail":"Malformed HTTP request"/);
  });

  it('just closes a reset or unwritable socket', () => {
    const r = answer('ECONNRESET');
    assert.equal(r.text, '');
    assert.equal(r.destroyed, true);
  });
});
