import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAtPath } from '../../../../src/scim/patch/patch-target';
import { parsePatchPath } from '../../../../src/scim/patch/parse-patch';
import type { ScimDoc } from '../../../../src/scim/user-document';
import { ENTERPRISE_USER_SCHEMA } from '../../../../src/scim/schema-urns';

function apply(doc: ScimDoc, op: 'add' | 'replace' | 'remove', path: string, value?: unknown, type: 'User' | 'Group' = 'User') {
  const p = parsePatchPath(path, type);
  if (!p.ok) throw new Error(p.error.message);
  return applyAtPath(doc, op, p.value, value);
}

describe('applyAtPath', () => {
  it('refuses readOnly attributes and never stores a password', () => {
    const doc: ScimDoc = { userName: 'j' };
    const r = apply(doc, 'replace', 'groups', []);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.scimType, 'mutability');
    assert.ok(apply(doc, 'replace', 'password', 'hunter2').ok);
    assert.deepEqual(doc, { userName: 'j' });
  });

  it('refuses to remove or blank a required attribute', () => {
    const doc: ScimDoc = { userName: 'j' };
    assert.equal(apply(doc, 'remove', 'userName').ok, false);
    assert.equal(apply(doc, 'replace', 'userName', null).ok, false);
    assert.equal(apply(doc, 'replace', 'userName', '  ').ok, false);
    assert.equal(doc['userName'], 'j');
  });

  it('add appends to a multi-valued attribute without duplicating, wrapping a single value', () => {
    const doc: ScimDoc = { emails: [{ value: 'a@x' }] };
    assert.ok(apply(doc, 'add', 'emails', { value: 'a@x' }).ok);
    assert.ok(apply(doc, 'add', 'emails', [{ value: 'b@x' }]).ok);
    assert.deepEqual(doc['emails'], [{ value: 'a@x' }, { value: 'b@x' }]);
  });

  it('merges sub-attributes of a single-valued complex attribute', () => {
    const doc: ScimDoc = { name: { givenName: 'Jane', familyName: 'Doe' } };
    assert.ok(apply(doc, 'replace', 'name', { givenName: 'Janet' }).ok);
    assert.deepEqual(doc['name'], { givenName: 'Janet', familyName: 'Doe' });
    assert.ok(apply(doc, 'remove', 'name.givenName').ok);
    assert.ok(apply(doc, 'remove', 'name.familyName').ok);
    assert.equal('name' in doc, false, 'an emptied complex attribute disappears');
  });

  it('removes listed values from a multi-valued attribute (Entra style)', () => {
    const doc: ScimDoc = { emails: [{ value: 'a@x', type: 'work' }, { value: 'b@x' }] };
    assert.ok(apply(doc, 'remove', 'emails', [{ value: 'a@x' }]).ok);
    assert.deepEqual(doc['emails'], [{ value: 'b@x' }]);
    assert.ok(apply(doc, 'remove', 'emails', [{ value: 'b@x' }]).ok);
    assert.equal('emails' in doc, false);
  });

  it('needs a filter to set a sub-attribute of a multi-valued attribute', () => {
    const r = apply({ emails: [] }, 'replace', 'emails.value', 'x');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.scimType, 'invalidPath');
  });

  it('creates the element a filtered add describes when none matches, else updates the matches', () => {
    const doc: ScimDoc = {};
    assert.ok(apply(doc, 'add', 'emails[type eq "work"].value', 'w@x').ok);
    assert.deepEqual(doc['emails'], [{ type: 'work', value: 'w@x' }]);
    assert.ok(apply(doc, 'replace', 'emails[type eq "work"].value', 'w2@x').ok);
    assert.deepEqual(doc['emails'], [{ type: 'work', value: 'w2@x' }]);
    const r = apply(doc, 'replace', 'emails[type ne "work"].value', 'x');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.scimType, 'noTarget');
  });

  it('removes only the matching elements, or only their sub-attribute', () => {
    const doc: ScimDoc = { emails: [{ type: 'work', value: 'w' }, { type: 'home', value: 'h' }] };
    assert.ok(apply(doc, 'remove', 'emails[type eq "home"].value').ok);
    assert.deepEqual(doc['emails'], [{ type: 'work', value: 'w' }, { type: 'home' }]);
    assert.ok(apply(doc, 'remove', 'emails[type eq "work"]').ok);
    assert.deepEqual(doc['emails'], [{ type: 'home' }]);
  });

  it('creates the extension object on demand and does not create it to remove', () => {
    const doc: ScimDoc = {};
    assert.ok(apply(doc, 'remove', `${ENTERPRISE_USER_SCHEMA}:department`).ok);
    assert.deepEqual(doc, {});
    assert.ok(apply(doc, 'add', `${ENTERPRISE_USER_SCHEMA}:department`, 'R&D').ok);
    assert.deepEqual(doc, { [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' } });
  });

  it('validates the value against the definition', () => {
    const r = apply({}, 'replace', 'active', 'perhaps');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.scimType, 'invalidValue');
  });
});
