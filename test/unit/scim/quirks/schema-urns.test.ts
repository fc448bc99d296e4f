import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalUrn, coreUrn } from '../../../../src/scim/quirks/schema-urns';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../../src/scim/schema-urns';

describe('schema URN aliases', () => {
  it('maps core aliases to the core URN of the resource type', () => {
    assert.equal(canonicalUrn('urn:scim:schemas:core:2.0', 'User'), USER_SCHEMA);
    assert.equal(canonicalUrn('URN:SCIM:SCHEMAS:CORE:1.0', 'Group'), GROUP_SCHEMA);
    assert.equal(coreUrn('User'), USER_SCHEMA);
    assert.equal(coreUrn('Group'), GROUP_SCHEMA);
  });

  it('maps enterprise aliases for users only', () => {
    assert.equal(canonicalUrn('urn:scim:schemas:extension:enterprise:1.0', 'User'), ENTERPRISE_USER_SCHEMA);
    assert.equal(canonicalUrn('urn:scim:schemas:extension:enterprise:2.0', 'Group'), undefined);
  });

  it('is undefined for RFC URNs and unknown ones', () => {
    assert.equal(canonicalUrn(USER_SCHEMA, 'User'), undefined);
    assert.equal(canonicalUrn('urn:example:custom', 'User'), undefined);
  });
});
