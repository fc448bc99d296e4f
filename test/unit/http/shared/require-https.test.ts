import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireHttps } from '../../../../src/http/shared/require-https';
import { contextFor, runMiddleware } from '../../../support/koa-context';

async function attempt(path: string, o: { peer?: string; enabled?: boolean; encrypted?: boolean } = {}) {
  const ctx = contextFor({ path, peer: o.peer ?? '203.0.113.7', encrypted: o.encrypted ?? false });
  ctx.state.requestId = 'r1';
  const reached = await runMiddleware(requireHttps(o.enabled ?? true), ctx);
  return { reached, ctx };
}

describe('requireHttps', () => {
  it('refuses plain HTTP to every credential-carrying area, case variants included, with no-store', async () => {
    for (const path of ['/scim/v2/d/Users', '/SCIM/v2/d/Users', '/api/v1/organizations', '/portal', '/ops/queues', '/metrics']) {
      const { reached, ctx } = await attempt(path);
      assert.equal(reached, false, path);
      assert.equal(ctx.status, 403, path);
      assert.equal(ctx.response.get('Cache-Control'), 'no-store');
    }
  });

  it('answers in the shape of each area', async () => {
    const scim = (await attempt('/scim/v2/d/Users')).ctx;
    assert.match(scim.type, /scim\+json/);
    assert.equal((scim.body as { status: string }).status, '403');
    assert.deepEqual((await attempt('/api/v1/x')).ctx.body, { error: { code: 'https_required', message: 'HTTPS is required: this endpoint carries credentials, and plain HTTP is refused. Use the https:// URL.', requestId: 'r1' } });
    assert.equal((await attempt('/metrics')).ctx.type, 'text/plain');
  });

  it('lets TLS, loopback peers, unprotected paths and non-production through', async () => {
    assert.equal((await attempt('/scim/v2/d/Users', { encrypted: true })).reached, true);
    assert.equal((await attempt('/scim/v2/d/Users', { peer: '127.0.0.1' })).reached, true);
    assert.equal((await attempt('/scim/v2/d/Users', { peer: '::ffff:127.0.0.1' })).reached, true);
    assert.equal((await attempt('/healthz')).reached, true);
    assert.equal((await attempt('/scim/v2/d/Users', { enabled: false })).reached, true);
  });
});
