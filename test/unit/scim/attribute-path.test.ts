import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leafDef, resolveAttrPath } from '../../../src/scim/attribute-path';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../../src/scim/schema-urns';

const resolve = (text: string, type: 'User' | 'Group' = 'User') => {
  const r = resolveAttrPath(text, type, 'invalidPath');
  if (!r.ok) throw new Error(`expected ok for ${text}: ${r.error.message}`);
  return r.value;
};
const failure = (text: string, type: 'User' | 'Group' = 'User') => {
  const r = resolveAttrPath(text, type, 'invalidFilter');
  assert.equal(r.ok, false, text);
  return r.ok ? undefined : r.error;
};

describe('resolveAttrPath', () => {
  it('canonicalises core attribute and sub-attribute names', () => {
    const ref = resolve('NAME.givenname');
    assert.deepEqual([ref.attribute, ref.subAttribute, ref.common, ref.extension], ['name', 'givenName', false, undefined]);
    assert.equal(leafDef(ref)?.name, 'givenName');
    assert.equal(leafDef(resolve('userName'))?.name, 'userName');
  });

  it('accepts the core URN prefix and the common attributes (id, externalId, meta)', () => {
    assert.equal(resolve(`${USER_SCHEMA}:userName`).attribute, 'userName');
    const meta = resolve('meta.lastModified');
    assert.deepEqual([meta.common, meta.attribute, meta.subAttribute], [true, 'meta', 'lastModified']);
    assert.equal(resolve('externalid').attribute, 'externalId');
  });

  it('resolves known extension attributes and keeps unknown extensions verbatim', () => {
    const mgr = resolve(`${ENTERPRISE_USER_SCHEMA}:manager.value`);
    assert.deepEqual([mgr.extension, mgr.attribute, mgr.subAttribute], [ENTERPRISE_USER_SCHEMA, 'manager', 'value']);
    const custom = resolve('urn:example:ext:1.0:User:badgeColour.shade');
    assert.deepEqual([custom.extension, custom.attribute, custom.subAttribute, custom.def], ['urn:example:ext:1.0:User', 'badgeColour', 'shade', undefined]);
  });

  it('refuses unknown core attributes, bad names and sub-attributes of simple ones, with the caller scimType', () => {
    const e = failure('nickname2');
    assert.equal(e?.scimType, 'invalidFilter');
    assert.equal(e?.status, 400);
    failure('userName.first');
    failure('name.nothing');
    failure('1abc');
    failure('emails[type eq "work"]');
    failure(`${ENTERPRISE_USER_SCHEMA}:shoeSize`);
    failure('emails', 'Group');
  });

  it('caps the echoed path in the error detail', () => {
    const e = failure('x'.repeat(5000) + '!');
    assert.ok(e!.message.length < 300);
  });
});
