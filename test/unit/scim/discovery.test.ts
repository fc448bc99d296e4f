import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourceTypes, schemaDocuments, serviceProviderConfig } from '../../../src/scim/discovery';
import { USER_SCHEMA_DEFINITION } from '../../../src/scim/attribute-definitions';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../../../src/scim/schema-urns';

const o = { baseUrl: 'https://h/scim/v2/d/', maxResults: 100, maxPayloadBytes: 1_000_000, maxOperations: 50 };

describe('discovery documents', () => {
  it('claims only what is implemented, with the configured limits', () => {
    const spc = serviceProviderConfig(o);
    assert.deepEqual(spc['patch'], { supported: true });
    assert.deepEqual(spc['bulk'], { supported: false, maxOperations: 50, maxPayloadSize: 1_000_000 });
    assert.deepEqual(spc['filter'], { supported: true, maxResults: 100 });
    assert.deepEqual(spc['sort'], { supported: false });
    assert.deepEqual(spc['changePassword'], { supported: false });
    assert.deepEqual(spc['etag'], { supported: true });
    assert.deepEqual(spc['meta'], { resourceType: 'ServiceProviderConfig', location: 'https://h/scim/v2/d/ServiceProviderConfig' });
  });

  it('lists User (with the enterprise extension) and Group', () => {
    const [user, group] = resourceTypes(o);
    assert.equal(user!['schema'], USER_SCHEMA);
    assert.deepEqual(user!['schemaExtensions'], [{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
    assert.equal(group!['schema'], GROUP_SCHEMA);
    assert.equal((group!['meta'] as { location: string }).location, 'https://h/scim/v2/d/ResourceTypes/Group');
  });

  it('serves the schemas the parsers use, as copies', () => {
    const docs = schemaDocuments(o);
    assert.deepEqual(docs.map((d) => d['id']), [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    const attrs = docs[0]!['attributes'] as { name: string }[];
    assert.deepEqual(attrs.map((a) => a.name), USER_SCHEMA_DEFINITION.attributes.map((a) => a.name));
    attrs[0]!.name = 'changed';
    assert.equal(USER_SCHEMA_DEFINITION.attributes[0]!.name, 'userName', 'the definitions are not shared with the response');
  });
});
