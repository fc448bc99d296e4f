import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseResourceBody } from '../../../../src/scim/quirks/resource-body';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../../src/scim/schema-urns';

const norm = (body: unknown, type: 'User' | 'Group' = 'User') => normaliseResourceBody(body, type) as Record<string, unknown>;

describe('normaliseResourceBody', () => {
  it("assumes the endpoint's core schema when schemas is missing or null", () => {
    assert.deepEqual(norm({ userName: 'j' })['schemas'], [USER_SCHEMA]);
    assert.deepEqual(norm({ displayName: 'g', Schemas: null }, 'Group'), { displayName: 'g', schemas: [GROUP_SCHEMA] });
  });

  it('maps alias URNs in schemas and as extension keys', () => {
    const out = norm({ schemas: ['urn:scim:schemas:core:1.0', 'urn:scim:schemas:extension:enterprise:2.0'], 'urn:scim:schemas:extension:enterprise:1.0': { department: 'D' } });
    assert.deepEqual(out['schemas'], [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    assert.deepEqual(out[ENTERPRISE_USER_SCHEMA], { department: 'D' });
  });

  it('wraps a single object given for a multi-valued user attribute', () => {
    const out = norm({ schemas: [USER_SCHEMA], emails: { value: 'a@x' }, name: { givenName: 'J' } });
    assert.deepEqual(out['emails'], [{ value: 'a@x' }]);
    assert.deepEqual(out['name'], { givenName: 'J' }, 'single-valued complex attributes stay objects');
  });

  it('normalises the enterprise manager', () => {
    assert.deepEqual(norm({ schemas: [USER_SCHEMA], [ENTERPRISE_USER_SCHEMA]: { manager: 'm' } })[ENTERPRISE_USER_SCHEMA], { manager: { value: 'm' } });
    assert.deepEqual(norm({ schemas: [USER_SCHEMA], [ENTERPRISE_USER_SCHEMA]: { manager: '', costCenter: 'c' } })[ENTERPRISE_USER_SCHEMA], { costCenter: 'c' });
  });

  it('leaves a schemas value of the wrong type and non-objects for validation', () => {
    assert.equal(norm({ schemas: 'x' })['schemas'], 'x');
    assert.equal(normaliseResourceBody('x', 'User'), 'x');
  });
});
