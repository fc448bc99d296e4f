import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { koaProxyOptions } from '../../../src/ops/proxy-trust';
import { contextFor } from '../../support/koa-context';

describe('koaProxyOptions', () => {
  it('trusts no proxy header with 0 hops, and exactly n hops otherwise', () => {
    assert.deepEqual(koaProxyOptions(0), { proxy: false, maxIpsCount: 0 });
    assert.deepEqual(koaProxyOptions(1), { proxy: true, maxIpsCount: 1 });
    assert.deepEqual(koaProxyOptions(3), { proxy: true, maxIpsCount: 3 });
  });

  it('makes Koa ignore X-Forwarded-For with 0 hops and believe only the last n entries otherwise', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 1.1.1.1, 2.2.2.2' };
    assert.equal(contextFor({ path: '/', peer: '10.0.0.1', headers, trustedHops: 0 }).ip, '10.0.0.1');
    assert.equal(contextFor({ path: '/', peer: '10.0.0.1', headers, trustedHops: 1 }).ip, '2.2.2.2');
    assert.equal(contextFor({ path: '/', peer: '10.0.0.1', headers, trustedHops: 2 }).ip, '1.1.1.1');
  });

  it('makes Koa ignore X-Forwarded-Proto with 0 hops', () => {
    assert.equal(contextFor({ path: '/', headers: { 'x-forwarded-proto': 'https' }, trustedHops: 0 }).protocol, 'http');
    assert.equal(contextFor({ path: '/', headers: { 'x-forwarded-proto': 'https' }, trustedHops: 1 }).protocol, 'https');
  });
});
