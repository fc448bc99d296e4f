import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as urns from '../../../src/scim/schema-urns';

describe('schema URNs', () => {
  it('are the RFC 7643/7644 URNs, spelled exactly', () => {
    assert.equal(urns.USER_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:User');
    assert.equal(urns.GROUP_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group');
    assert.equal(urns.ENTERPRISE_USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    assert.equal(urns.PATCH_OP_SCHEMA, 'urn:ietf:params:scim:api:messages:2.0:PatchOp');
    assert.equal(urns.LIST_RESPONSE_SCHEMA, 'urn:ietf:params:scim:api:messages:2.0:ListResponse');
    assert.equal(urns.SEARCH_REQUEST_SCHEMA, 'urn:ietf:params:scim:api:messages:2.0:SearchRequest');
  });

  it('are all distinct', () => {
    const values = Object.values(urns).filter((v) => typeof v === 'string');
    assert.equal(new Set(values).size, values.length);
    for (const v of values) assert.match(v, /^urn:ietf:params:scim:/);
  });
});
