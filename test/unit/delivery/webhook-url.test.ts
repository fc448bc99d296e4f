import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkWebhookUrl } from '../../../src/delivery/webhook-url';
import type { Resolver } from '../../../src/delivery/pinned-lookup';

const resolve: Resolver = (host) =>
  Promise.resolve(({ 'hooks.example.com': ['8.8.8.8'], 'inside.example.com': ['10.0.0.5'], '127.example.com': ['127.0.0.1'] } as Record<string, string[]>)[host]?.map((address) => ({ address, family: 4 })) ?? []);
const prod = { allowLoopback: false, resolve };
const dev = { allowLoopback: true, resolve };

describe('checkWebhookUrl', () => {
  it('accepts an https URL whose host is public', async () => {
    assert.equal(await checkWebhookUrl('https://hooks.example.com/dirsync', 'production', prod), undefined);
  });

  it('refuses relative URLs, credentials and other schemes', async () => {
    assert.equal(await checkWebhookUrl('/hook', 'production', prod), 'url must be an absolute URL');
    assert.equal(await checkWebhookUrl('https://u:p@hooks.example.com/', 'production', prod), 'url must not contain credentials');
    assert.equal(await checkWebhookUrl('ftp://hooks.example.com/', 'production', prod), 'url must use https');
    assert.equal(await checkWebhookUrl('http://hooks.example.com/', 'development', dev), 'url must use https');
  });

  it('allows plain http to loopback only with the switch and never in production', async () => {
    assert.equal(await checkWebhookUrl('http://127.0.0.1:8080/', 'development', dev), undefined);
    assert.equal(await checkWebhookUrl('http://localhost:8080/', 'test', { allowLoopback: true, resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) }), undefined);
    assert.equal(await checkWebhookUrl('http://127.0.0.1:8080/', 'production', dev), 'url must use https');
    assert.equal(await checkWebhookUrl('http://127.0.0.1:8080/', 'development', prod), 'url must use https');
    assert.equal(await checkWebhookUrl('http://127.example.com/', 'development', dev), 'url must use https', 'a name is not a loopback literal');
  });

  it('refuses hosts that are or resolve inside, and names that do not resolve', async () => {
    assert.match((await checkWebhookUrl('https://inside.example.com/', 'production', prod))!, /public internet address/);
    assert.match((await checkWebhookUrl('https://169.254.169.254/latest', 'production', prod))!, /public internet address/);
    assert.match((await checkWebhookUrl('https://[::ffff:10.0.0.1]/', 'production', prod))!, /public internet address/);
    assert.match((await checkWebhookUrl('https://nowhere.example.com/', 'production', prod))!, /public internet address/);
    const failing: Resolver = () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
    assert.equal(await checkWebhookUrl('https://gone.example.com/', 'production', { allowLoopback: false, resolve: failing }), 'url host does not resolve');
  });
});
