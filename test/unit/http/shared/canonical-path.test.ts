import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GUARDED_PREFIXES, canonicalPath, nonCanonicalReason } from '../../../../src/http/shared/canonical-path';
import { contextFor, runMiddleware } from '../../../support/koa-context';

describe('nonCanonicalReason', () => {
  it('accepts the canonical spellings', () => {
    for (const p of ['/', '/scim/v2/d/Users', '/portal', '/api/v1/organizations', '/scim/v2/d/Users/a%20b', '/healthz', '/x%2Ay']) {
      assert.equal(nonCanonicalReason(p), undefined, p);
    }
  });

  it('names why a path is another spelling of a route', () => {
    const cases: [string, string][] = [
      ['scim', 'not an absolute path'],
      ['/scim/v2/', 'trailing slash'],
      ['/scim//v2', 'empty segment'],
      ['/scim\\v2', 'backslash'],
      ['/scim/v2/%zz', 'malformed percent-encoding'],
      ['/scim/v2/%4', 'malformed percent-encoding'],
      ['/%73cim/v2', 'percent-encoded unreserved character'],
      ['/scim/v2/a%2Fb', 'percent-encoded separator or control character'],
      ['/scim/v2/a%5cb', 'percent-encoded separator or control character'],
      ['/scim/v2/%00', 'percent-encoded separator or control character'],
      ['/scim/v2/./d', 'dot segment'],
      ['/portal/../api/v1', 'dot segment'],
      ['/SCIM/v2/d', 'case variant of a guarded prefix'],
      ['/Portal', 'case variant of a guarded prefix'],
      ['/api/V1/x', 'case variant of a guarded prefix'],
      ['/API', 'case variant of a guarded prefix'],
      ['/Scim/anything', 'case variant of a guarded prefix'],
      ['/METRICS', 'case variant of a guarded prefix'],
    ];
    for (const [path, reason] of cases) assert.equal(nonCanonicalReason(path), reason, path);
  });

  it('guards each prefix the routers mount', () => {
    for (const prefix of GUARDED_PREFIXES) assert.equal(nonCanonicalReason(prefix.toUpperCase()), 'case variant of a guarded prefix', prefix);
  });
});

describe('canonicalPath middleware', () => {
  const run = async (path: string) => {
    const ctx = contextFor({ path });
    ctx.state.requestId = 'r1';
    const reached = await runMiddleware(canonicalPath(() => '<p>portal 404</p>'), ctx);
    return { reached, ctx };
  };

  it('passes canonical paths on', async () => {
    assert.equal((await run('/scim/v2/d/Users')).reached, true);
  });

  it("answers a 404 in the shape of the area it spells, never cached", async () => {
    const portal = (await run('/Portal/x')).ctx;
    assert.deepEqual([portal.status, portal.type, portal.body], [404, 'text/html', '<p>portal 404</p>']);
    assert.equal(portal.response.get('Cache-Control'), 'no-store');
    const scim = (await run('/SCIM/v2/d/Users')).ctx;
    assert.equal(scim.type, 'application/scim+json');
    assert.equal((scim.body as { status: string }).status, '404');
    const api = await run('/api/v1/x/');
    assert.equal(api.reached, false);
    assert.deepEqual(api.ctx.body, { error: { code: 'not_found', message: 'No such path (paths are case-sensitive and must be canonical)', requestId: 'r1' } });
  });
});
