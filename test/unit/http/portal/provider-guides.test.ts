import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDER_GUIDES, providerGuide } from '../../../../src/http/portal/provider-guides';
import { PROVIDERS } from '../../../../src/common/providers';

describe('provider guides', () => {
  it('has exactly one guide per provider, in the order of PROVIDERS', () => {
    assert.deepEqual(PROVIDER_GUIDES.map((g) => g.provider), [...PROVIDERS]);
  });

  it('gives every guide labels and at least one step', () => {
    for (const g of PROVIDER_GUIDES) {
      assert.ok(g.name && g.blurb && g.urlLabel && g.tokenLabel, g.provider);
      assert.ok(g.steps.length > 0, g.provider);
    }
    assert.equal(providerGuide('okta')?.tokenLabel, 'OAuth Bearer Token');
    assert.equal(providerGuide('entra')?.urlLabel, 'Tenant URL');
  });

  it('is undefined for an unknown provider', () => {
    assert.equal(providerGuide('ldap'), undefined);
    assert.equal(providerGuide('__proto__'), undefined);
  });
});
