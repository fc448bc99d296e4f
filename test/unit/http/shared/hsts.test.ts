import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hsts } from '../../../../src/http/shared/hsts';
import { contextFor, runMiddleware } from '../../../support/koa-context';

const header = async (o: Parameters<typeof contextFor>[0], maxAge = 600) => {
  const ctx = contextFor(o);
  await runMiddleware(hsts(maxAge), ctx);
  return ctx.response.get('Strict-Transport-Security') ?? '';
};

describe('hsts', () => {
  it('sets max-age on portal pages answered over HTTPS (TLS socket or trusted proxy)', async () => {
    assert.equal(await header({ path: '/portal', encrypted: true }), 'max-age=600');
    assert.equal(await header({ path: '/portal/directory-sync', headers: { 'x-forwarded-proto': 'https' }, trustedHops: 1 }), 'max-age=600');
  });

  it('never over plain HTTP (RFC 6797 §7.2), nor on other paths, nor when disabled', async () => {
    assert.equal(await header({ path: '/portal/x' }), '');
    assert.equal(await header({ path: '/portal/x', headers: { 'x-forwarded-proto': 'https' }, trustedHops: 0 }), '', 'an untrusted header is not HTTPS');
    assert.equal(await header({ path: '/portalx', encrypted: true }), '');
    assert.equal(await header({ path: '/scim/v2/d/Users', encrypted: true }), '');
    assert.equal(await header({ path: '/portal', encrypted: true }, 0), '');
  });
});
