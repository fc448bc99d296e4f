import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchPath, parsePatchRequest } from '../../../../src/scim/patch/parse-patch';
import { PATCH_OP_SCHEMA } from '../../../../src/scim/schema-urns';

const body = (Operations: unknown) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const error = (b: unknown, type: 'User' | 'Group' = 'User') => {
  const r = parsePatchRequest(b, type);
  assert.equal(r.ok, false);
  return r.ok ? undefined : r.error;
};

describe('parsePatchRequest', () => {
  it("normalises op case (Entra's \"Replace\") and keeps the value", () => {
    const r = parsePatchRequest(body([{ op: 'Replace', path: 'active', value: 'False' }, { OP: 'add', value: { title: 'x' } }]), 'User');
    assert.ok(r.ok);
    assert.equal(r.value[0]!.op, 'replace');
    assert.equal(r.value[0]!.path?.ref.attribute, 'active');
    assert.equal(r.value[0]!.value, 'False');
    assert.deepEqual(r.value[1], { op: 'add', value: { title: 'x' } });
  });

  it('requires the PatchOp schema and a non-empty Operations array', () => {
    assert.equal(error({ Operations: [] })?.scimType, 'invalidSyntax');
    assert.equal(error(body({}))?.scimType, 'invalidSyntax');
    assert.equal(error(body([]))?.scimType, 'invalidValue');
    assert.equal(error([])?.scimType, 'invalidSyntax');
    assert.ok(parsePatchRequest({ SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ op: 'remove', path: 'title' }] }, 'User').ok);
  });

  it('names the failing operation', () => {
    const e = error(body([{ op: 'add', value: {} }, { op: 'move', path: 'title' }]));
    assert.match(e!.message, /Operations\[1\]/);
  });

  it('needs a path to remove, a value to add or replace, and a string path', () => {
    assert.equal(error(body([{ op: 'remove' }]))?.scimType, 'noTarget');
    assert.equal(error(body([{ op: 'remove', path: '  ' }]))?.scimType, 'noTarget');
    assert.equal(error(body([{ op: 'add', path: 'title' }]))?.scimType, 'invalidValue');
    assert.equal(error(body([{ op: 'add', path: 5, value: 1 }]))?.scimType, 'invalidPath');
    assert.equal(error(body([{ op: 'replace', path: 'nosuch', value: 1 }]))?.scimType, 'invalidPath');
  });
});

describe('parsePatchPath', () => {
  it('splits a value path with a trailing sub-attribute', () => {
    const r = parsePatchPath('emails[type eq "work"].VALUE', 'User');
    assert.ok(r.ok);
    assert.equal(r.value.ref.attribute, 'emails');
    assert.equal(r.value.ref.subAttribute, 'value');
    assert.equal(r.value.filter?.kind, 'compare');
  });

  it('accepts the group members filter Okta and Entra send', () => {
    const r = parsePatchPath('members[value eq "2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11"]', 'Group');
    assert.ok(r.ok);
    assert.equal(r.value.ref.attribute, 'members');
    assert.equal(r.value.ref.subAttribute, undefined);
  });

  it('refuses an unknown sub-attribute after the filter, and malformed brackets', () => {
    for (const p of ['emails[type eq "work"].colour', 'emails[type eq "work"', 'emails[type eq "work"]x', '[type eq "work"]']) {
      const r = parsePatchPath(p, 'User');
      assert.equal(r.ok, false, p);
      if (!r.ok) assert.equal(r.error.scimType, 'invalidPath');
    }
  });
});
