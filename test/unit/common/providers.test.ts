import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDERS } from '../../../src/common/providers';

describe('PROVIDERS', () => {
  it('lists each supported identity provider once, generic last as the fallback', () => {
    assert.deepEqual([...PROVIDERS], ['okta', 'entra', 'onelogin', 'jumpcloud', 'generic']);
    assert.equal(new Set(PROVIDERS).size, PROVIDERS.length);
  });

  it('uses lower-case slugs (they are stored and appear in URLs)', () => {
    for (const p of PROVIDERS) assert.match(p, /^[a-z]+$/);
  });
});
