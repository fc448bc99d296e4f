import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type dns from 'node:dns';
import { DestinationRefused, allowedAddresses, pinnedLookup, type Resolver } from '../../../src/delivery/pinned-lookup';

const resolver = (answers: Record<string, string[]>): Resolver => (host) => Promise.resolve((answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('allowedAddresses', () => {
  it('judges an IP literal as it is, without resolving', async () => {
    let asked = false;
    const resolve: Resolver = () => ((asked = true), Promise.resolve([]));
    assert.deepEqual(await allowedAddresses('8.8.8.8', { allowLoopback: false, resolve }), [{ address: '8.8.8.8', family: 4 }]);
    await assert.rejects(allowedAddresses('10.0.0.1', { allowLoopback: false, resolve }), DestinationRefused);
    assert.equal(asked, false);
  });

  it('refuses a name if ANY of its addresses is not public, or if it has none', async () => {
    const resolve = resolver({ 'mixed.example.com': ['8.8.8.8', '10.0.0.1'], 'ok.example.com': ['8.8.8.8', '2606:4700::1'] });
    await assert.rejects(allowedAddresses('mixed.example.com', { allowLoopback: false, resolve }), DestinationRefused);
    await assert.rejects(allowedAddresses('none.example.com', { allowLoopback: false, resolve }), DestinationRefused);
    assert.equal((await allowedAddresses('ok.example.com', { allowLoopback: false, resolve })).length, 2);
  });

  it('refuses blocked names before resolving them', async () => {
    const resolve = resolver({ 'metadata.google.internal': ['8.8.8.8'] });
    await assert.rejects(allowedAddresses('metadata.google.internal', { allowLoopback: false, resolve }), DestinationRefused);
  });

  it('gives one message whatever the address', () => {
    assert.equal(new DestinationRefused().message, 'destination address not allowed');
  });
});

describe('pinnedLookup', () => {
  const lookup = pinnedLookup({ allowLoopback: false, resolve: resolver({ 'hooks.example.com': ['8.8.8.8', '8.8.4.4'], 'rebind.example.com': ['127.0.0.1'] }) });
  const call = (host: string, opts: dns.LookupOptions) =>
    new Promise<{ err: unknown; address: unknown; family?: number }>((resolve) => lookup(host, opts, (err, address, family) => resolve({ err, address, family })));

  it('hands the socket the checked address (first, or all when asked)', async () => {
    assert.deepEqual(await call('hooks.example.com', {}), { err: null, address: '8.8.8.8', family: 4 });
    const all = await call('hooks.example.com', { all: true });
    assert.equal((all.address as unknown[]).length, 2);
  });

  it('fails the connection when the name now points inside (DNS rebinding)', async () => {
    const r = await call('rebind.example.com', {});
    assert.ok(r.err instanceof DestinationRefused);
  });
});
