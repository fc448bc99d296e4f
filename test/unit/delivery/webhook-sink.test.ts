import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { sendWebhook, webhookBody } from '../../../src/delivery/webhook-sink';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../../src/delivery/delivery-errors';
import type { StoredEvent } from '../../../src/events/event-types';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const event: StoredEvent = {
  id: 'evt-1',
  type: 'user.created',
  resourceType: 'user',
  resourceId: 'u-1',
  resourceVersion: 3,
  data: { userName: 'jane' },
  organizationId: 'o-1',
  directoryId: 'd-1',
  seq: 42,
  operationId: null,
  occurredAt: new Date('2024-01-01T00:00:00Z'),
};

describe('webhookBody', () => {
  it('carries what a receiver needs to dedup and apply in order, and nothing else', () => {
    assert.deepEqual(JSON.parse(webhookBody(event)), {
      id: 'evt-1',
      type: 'user.created',
      timestamp: '2024-01-01T00:00:00.000Z',
      organizationId: 'o-1',
      directoryId: 'd-1',
      sequence: 42,
      resource: { type: 'user', id: 'u-1', version: 3 },
      data: { userName: 'jane' },
    });
  });
});

describe('sendWebhook (against a loopback receiver)', () => {
  let server: http.Server;
  let base = '';
  const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        const status = Number(req.url?.slice(1)) || 200;
        if (req.url === '/slow') return void setTimeout(() => res.end(), 2000);
        if (status === 429) res.setHeader('retry-after', '7');
        if (status === 302) res.setHeader('location', 'http://127.0.0.1:1/');
        res.statusCode = status;
        res.end('internal detail that must not be kept');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const send = (path: string, timeoutMs = 2000) => sendWebhook(`${base}${path}`, SECRET, event, timeoutMs, { allowLoopback: true });

  it('POSTs the signed body and returns the 2xx status', async () => {
    assert.equal(await send('/204'), 204);
    const got = seen.at(-1)!;
    assert.equal(got.body, webhookBody(event));
    assert.equal(got.headers['webhook-id'], 'evt-1');
    const expected = createHmac('sha256', Buffer.alloc(32, 1)).update(`evt-1.${got.headers['webhook-timestamp']}.${got.body}`).digest('base64');
    assert.equal(got.headers['webhook-signature'], `v1,${expected}`);
    assert.equal(got.headers['content-type'], 'application/json');
  });

  it('classifies failures: 429/503 and 5xx/408 retryable (with Retry-After), other 4xx and 3xx permanent', async () => {
    await assert.rejects(send('/429'), (e: unknown) => e instanceof RetryableDeliveryError && e.httpStatus === 429 && e.retryAfterMs === 7000 && e.message === 'HTTP 4xx');
    await assert.rejects(send('/500'), (e: unknown) => e instanceof RetryableDeliveryError && e.httpStatus === 500);
    await assert.rejects(send('/408'), RetryableDeliveryError);
    await assert.rejects(send('/410'), (e: unknown) => e instanceof PermanentDeliveryError && e.httpStatus === 410);
    await assert.rejects(send('/302'), PermanentDeliveryError, 'redirects are not followed');
  });

  it('times out as a retryable failure', async () => {
    await assert.rejects(send('/slow', 100), (e: unknown) => e instanceof RetryableDeliveryError && e.message === 'timeout');
  });

  it('refuses loopback without the switch, before connecting, and says nothing about the target', async () => {
    const before = seen.length;
    await assert.rejects(sendWebhook(`${base}/200`, SECRET, event, 1000, { allowLoopback: false }), (e: unknown) => e instanceof PermanentDeliveryError && e.message === 'destination address not allowed');
    await assert.rejects(sendWebhook('http://127.0.0.1:1/', SECRET, event, 1000, { allowLoopback: true }), (e: unknown) => e instanceof RetryableDeliveryError && e.message === 'connection failed');
    assert.equal(seen.length, before);
  });

  it('pins the checked address: a name that resolves inside is refused at connect time', async () => {
    const resolve = () => Promise.resolve([{ address: '10.0.0.1', family: 4 }]);
    await assert.rejects(sendWebhook('http://hooks.example.com/', SECRET, event, 1000, { allowLoopback: true, resolve }), PermanentDeliveryError);
  });
});
