import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { addressRefusal, embeddedIpv4 } from '../../src/delivery/webhook-address-policy';
import { checkWebhookUrl } from '../../src/delivery/webhook-url';
import { sendWebhook } from '../../src/delivery/webhook-sink';
import { PermanentDeliveryError, RetryableDeliveryError } from '../../src/delivery/delivery-errors';
import type { Resolver } from '../../src/delivery/pinned-lookup';
import type { StoredEvent } from '../../src/events/event-types';
import { createTestEnv, freePort } from '../support/test-env';
import { ADMIN_KEY, adminClient } from '../admin/admin-client';

const STRICT = { allowLoopback: false };
const DEV = { allowLoopback: true };

const REFUSED = [
  // IPv4: loopback, private, link-local/metadata, CGNAT, unspecified, multicast, broadcast, reserved, documentation
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '169.254.0.1',
  '100.64.0.1', '100.100.100.200', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1',
  '192.0.0.192', '192.0.2.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '168.63.129.16',
  // IPv6: loopback, unspecified, link-local, unique local (AWS metadata fd00:ec2::254), multicast, documentation, Teredo
  '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd00:ec2::254', 'ff02::1', '2001:db8::1', '2001::1', '100::1',
  // IPv6 notations that carry an IPv4 address: mapped (both spellings), compatible, NAT64, 6to4
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::7f00:1', '2002:7f00:1::1', '2002:a9fe:a9fe::',
];
const ALLOWED = ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '2002:808:808::1', '64:ff9b::808:808'];

function event(): StoredEvent {
  return { id: randomUUID(), type: 'user.created', resourceType: 'user', resourceId: randomUUID(), resourceVersion: 1, data: {}, organizationId: randomUUID(), directoryId: randomUUID(), seq: 1, operationId: null, occurredAt: new Date() } as StoredEvent;
}

describe('webhook destinations: public unicast only, checked at registration and pinned at connect time', () => {
  let receiver: http.Server;
  let port: number;
  let hits = 0;
  let mode: 'ok' | '500' | 'hang' = 'ok';

  before(async () => {
    receiver = http.createServer((req, res) => {
      hits++;
      req.resume();
      if (mode === 'hang') return;
      res.statusCode = mode === '500' ? 500 : 200;
      res.end('internal detail: redis at 10.1.2.3:6379');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('refuses every non-public address family and notation, allows public unicast', () => {
    for (const ip of REFUSED) assert.ok(addressRefusal(ip, STRICT), `${ip} must be refused`);
    for (const ip of ALLOWED) assert.equal(addressRefusal(ip, STRICT), undefined, `${ip} must be allowed`);
    assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(embeddedIpv4('2002:a9fe:a9fe::'), '169.254.169.254');
  });

  it('the development switch allows loopback and nothing else', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(addressRefusal(ip, DEV), undefined, ip);
    for (const ip of REFUSED.filter((a) => !['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::1'].includes(a))) {
      assert.ok(addressRefusal(ip, DEV), `${ip} must stay refused with WEBHOOK_ALLOW_LOOPBACK`);
    }
  });

  it('registration refuses the probe’s URLs in every notation, names that resolve inside, and http in production', async () => {
    const resolver: Resolver = async (host) => {
      if (host === 'inside.example.com') return [{ address: '10.0.0.5', family: 4 }];
      if (host === 'mixed.example.com') return [{ address: '93.184.216.34', family: 4 }, { address: '::1', family: 6 }];
      if (host === 'public.example.com') return [{ address: '93.184.216.34', family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const refused = [
      'https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'https://127.0.0.1:6379/', 'https://[::1]/', 'https://0x7f.1/', 'https://2130706433/',
      'https://017700000001/', 'https://127.1/', 'https://0/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[fd00:ec2::254]/',
      'https://metadata.google.internal/', 'https://metadata.google.internal./computeMetadata/v1/', 'https://localhost/', 'https://kubernetes.default.svc/',
      'https://inside.example.com/', 'https://mixed.example.com/', 'https://0xa9.0xfe.0xa9.0xfe/', 'https://[64:ff9b::a9fe:a9fe]/',
    ];
    for (const url of refused) {
      const problem = await checkWebhookUrl(url, 'production', { ...STRICT, resolve: resolver });
      assert.match(problem ?? '', /public internet address|does not resolve/, url);
    }
    assert.equal(await checkWebhookUrl('https://public.example.com/hook', 'production', { ...STRICT, resolve: resolver }), undefined);
    assert.match((await checkWebhookUrl('https://nowhere.example.com/', 'production', { ...STRICT, resolve: resolver })) ?? '', /does not resolve/);
    assert.equal(await checkWebhookUrl(`http://127.0.0.1:${port}/hook`, 'test', DEV), undefined, 'the switch allows a local receiver');
    assert.match((await checkWebhookUrl(`http://127.0.0.1:${port}/hook`, 'production', DEV)) ?? '', /https/, 'never http in production');
    assert.match((await checkWebhookUrl(`http://127.0.0.1:${port}/hook`, 'development', STRICT)) ?? '', /https/);
    assert.match((await checkWebhookUrl('https://user:pw@public.example.com/', 'production', { ...STRICT, resolve: resolver })) ?? '', /credentials/);
    assert.match((await checkWebhookUrl('http://127.public.example.com/', 'development', { ...DEV, resolve: async () => [{ address: '93.184.216.34', family: 4 }] })) ?? '', /https/, 'http only to loopback literals');
  });

  it('DNS rebinding: the name that passed registration is resolved again at connect time, and the socket uses the checked address', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => (++calls === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const url = `http://rebind.example.com:${port}/hook`;
    assert.equal(await checkWebhookUrl(url.replace('http:', 'https:'), 'production', { ...STRICT, resolve: rebinding }), undefined, 'first answer is public');
    hits = 0;
    await assert.rejects(sendWebhook(url, 'whsec_test', event(), 2000, { ...STRICT, resolve: rebinding }), (err: unknown) => err instanceof PermanentDeliveryError && err.message === 'destination address not allowed');
    assert.equal(hits, 0, 'the receiver behind loopback was never reached');
    assert.ok(calls >= 2, 'resolved again at connect time');

    // Control: the pinned lookup is what the socket connects with (rebind.example.com has no real DNS record).
    const local: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    mode = 'ok';
    assert.equal(await sendWebhook(url, 'whsec_test', event(), 2000, { ...DEV, resolve: local }), 200);
    assert.equal(hits, 1);
  });

  it('IP literals are checked at connect time too (no lookup runs for them)', async () => {
    hits = 0;
    for (const host of ['127.0.0.1', '[::ffff:7f00:1]', '[::1]']) {
      await assert.rejects(sendWebhook(`http://${host}:${port}/hook`, 'whsec_test', event(), 2000, STRICT), /destination address not allowed/);
    }
    assert.equal(hits, 0);
  });

  it('stored errors are generic: connection failed, TLS failed, timeout, HTTP 5xx — never a host, port or body', async () => {
    const closed = await freePort();
    const cases: [string, () => Promise<number>, string][] = [
      ['refused port', () => sendWebhook(`http://127.0.0.1:${closed}/`, 's', event(), 2000, DEV), 'connection failed'],
      ['unknown host', () => sendWebhook(`https://unknown.example.com/`, 's', event(), 2000, { ...STRICT, resolve: async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND unknown.example.com'), { code: 'ENOTFOUND' })) }), 'connection failed'],
      ['TLS to a plain HTTP port', () => sendWebhook(`https://127.0.0.1:${port}/`, 's', event(), 2000, DEV), 'TLS failed'],
      ['HTTP 500', async () => { mode = '500'; return sendWebhook(`http://127.0.0.1:${port}/`, 's', event(), 2000, DEV); }, 'HTTP 5xx'],
      ['no answer', async () => { mode = 'hang'; return sendWebhook(`http://127.0.0.1:${port}/`, 's', event(), 300, DEV); }, 'timeout'],
    ];
    for (const [what, run, message] of cases) {
      await assert.rejects(run(), (err: unknown) => {
        assert.ok(err instanceof RetryableDeliveryError, what);
        assert.equal(err.message, message, what);
        return true;
      });
    }
    mode = 'ok';
  });
});

describe('admin API: a sink at a private or metadata address is refused at registration', () => {
  it('400 for each, and no sink row', async () => {
    const env = await createTestEnv({ workers: false, env: { ADMIN_API_KEY: ADMIN_KEY } });
    try {
      const dir = await env.createDirectory();
      const api = adminClient(env.baseUrl, ADMIN_KEY);
      const before = await env.db('sinks').count({ n: '*' });
      for (const url of ['https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'https://0xa9fea9fe/', 'https://2886729729/', 'https://[::ffff:10.0.0.1]/', 'https://metadata.google.internal/', 'https://[fe80::1]/', 'https://100.100.100.200/']) {
        const res = await api('POST', `/organizations/${dir.organizationId}/sinks`, { url });
        assert.equal(res.status, 400, url);
        assert.match(res.body.error.message, /public internet address/, url);
      }
      assert.deepEqual(await env.db('sinks').count({ n: '*' }), before);
    } finally {
      await env.close();
    }
  });
});
