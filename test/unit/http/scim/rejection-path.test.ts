import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rejectionPath } from '../../../../src/http/scim/rejection-path';

const DIR = '3f2b8c1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b';
const ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const p = (rest: string) => rejectionPath(`/scim/v2/${DIR}${rest}`, DIR);

describe('rejectionPath: ids only, never a value', () => {
  it('keeps endpoints and UUIDs', () => {
    assert.equal(p('/Users'), '/Users');
    assert.equal(p(`/Users/${ID}`), `/Users/${ID}`);
    assert.equal(p(`/Groups/${ID.toUpperCase()}`), `/Groups/${ID}`);
    assert.equal(p('/ServiceProviderConfig'), '/ServiceProviderConfig');
    assert.equal(p('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'), '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    assert.equal(p('/ResourceTypes/User'), '/ResourceTypes/User');
  });

  it('replaces anything else a client put in the path', () => {
    assert.equal(p('/Users/alice@example.com'), '/Users/{id}');
    assert.equal(p('/Users/010101001010101011001010101011'), '/Users/{id}');
    assert.equal(p('/secret-thing'), '/{other}');
    assert.equal(p(`/Users/${ID}/MARKER`), `/Users/${ID}/{other}`);
    assert.equal(p('/Schemas/MARKER'), '/Schemas/{id}');
    assert.equal(p('/a/b/c/d/e/f'), '/{other}/{id}/{other}/{other}/…');
  });

  it('the base itself, and a path of another directory', () => {
    assert.equal(p(''), '/');
    assert.equal(rejectionPath('/scim/v2/other/Users', DIR), '/');
  });
});
