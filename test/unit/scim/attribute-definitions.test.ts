import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  USER_SCHEMA_DEFINITION,
  coreSchemaOf,
  extensionSchemasOf,
  findAttribute,
  findExtensionSchema,
} from '../../../src/scim/attribute-definitions';
import { ENTERPRISE_USER_SCHEMA } from '../../../src/scim/schema-urns';

describe('attribute definitions (RFC 7643)', () => {
  it('finds attributes case-insensitively and returns the canonical name', () => {
    assert.equal(findAttribute(USER_SCHEMA_DEFINITION.attributes, 'USERNAME')?.name, 'userName');
    assert.equal(findAttribute(USER_SCHEMA_DEFINITION.attributes, 'phonenumbers')?.name, 'phoneNumbers');
    assert.equal(findAttribute(USER_SCHEMA_DEFINITION.attributes, 'nope'), undefined);
    assert.equal(findAttribute(undefined, 'userName'), undefined);
  });

  it('applies the RFC defaults and the documented exceptions', () => {
    const userName = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'userName')!;
    assert.deepEqual([userName.required, userName.uniqueness, userName.caseExact, userName.mutability], [true, 'server', false, 'readWrite']);
    const password = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'password')!;
    assert.deepEqual([password.mutability, password.returned], ['writeOnly', 'never']);
    const id = findAttribute(COMMON_ATTRIBUTES, 'id')!;
    assert.deepEqual([id.mutability, id.returned, id.caseExact], ['readOnly', 'always', true]);
    assert.equal(findAttribute(USER_SCHEMA_DEFINITION.attributes, 'groups')!.mutability, 'readOnly');
  });

  it('gives multi-valued attributes value/display/type/primary sub-attributes', () => {
    const emails = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'emails')!;
    assert.equal(emails.multiValued, true);
    assert.deepEqual(emails.subAttributes!.map((s) => s.name), ['value', 'display', 'type', 'primary']);
    assert.equal(findAttribute(emails.subAttributes, 'primary')!.type, 'boolean');
    assert.deepEqual(findAttribute(emails.subAttributes, 'type')!.canonicalValues, ['work', 'home', 'other']);
  });

  it('keeps manager.displayName readOnly and group members immutable', () => {
    const manager = findAttribute(ENTERPRISE_USER_SCHEMA_DEFINITION.attributes, 'manager')!;
    assert.equal(findAttribute(manager.subAttributes, 'displayName')!.mutability, 'readOnly');
    const members = findAttribute(GROUP_SCHEMA_DEFINITION.attributes, 'members')!;
    for (const s of members.subAttributes!) assert.equal(s.mutability, 'immutable');
  });

  it('maps resource types to their core and extension schemas', () => {
    assert.equal(coreSchemaOf('User'), USER_SCHEMA_DEFINITION);
    assert.equal(coreSchemaOf('Group'), GROUP_SCHEMA_DEFINITION);
    assert.deepEqual(extensionSchemasOf('User'), [ENTERPRISE_USER_SCHEMA_DEFINITION]);
    assert.deepEqual(extensionSchemasOf('Group'), []);
    assert.equal(findExtensionSchema('User', ENTERPRISE_USER_SCHEMA.toUpperCase()), ENTERPRISE_USER_SCHEMA_DEFINITION);
    assert.equal(findExtensionSchema('Group', ENTERPRISE_USER_SCHEMA), undefined);
    assert.equal(findExtensionSchema('User', 'urn:example:custom'), undefined);
  });

  it('names every attribute once per schema', () => {
    for (const schema of [USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION]) {
      const names = schema.attributes.map((a) => a.name.toLowerCase());
      assert.equal(new Set(names).size, names.length, schema.id);
    }
  });
});
