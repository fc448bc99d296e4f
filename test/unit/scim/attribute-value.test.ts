import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UNASSIGNED, coerceBoolean, normaliseAttributes, normaliseValue } from '../../../src/scim/attribute-value';
import { USER_SCHEMA_DEFINITION, findAttribute } from '../../../src/scim/attribute-definitions';

const defs = USER_SCHEMA_DEFINITION.attributes;
const def = (name: string) => findAttribute(defs, name)!;

describe('coerceBoolean', () => {
  it("accepts JSON booleans and Entra's \"True\"/\"False\" strings in any case", () => {
    assert.equal(coerceBoolean(true), true);
    assert.equal(coerceBoolean(' False '), false);
    assert.equal(coerceBoolean('TRUE'), true);
    for (const v of ['yes', '1', 1, 0, null, undefined, {}]) assert.equal(coerceBoolean(v), undefined, String(v));
  });
});

describe('normaliseValue', () => {
  it('turns null into UNASSIGNED and drops null elements of arrays', () => {
    assert.deepEqual(normaliseValue(def('active'), null, 'active'), { ok: true, value: UNASSIGNED });
    const r = normaliseValue(def('emails'), [null, { value: 'a@x', primary: 'true' }], 'emails');
    assert.deepEqual(r, { ok: true, value: [{ value: 'a@x', primary: true }] });
  });

  it('requires arrays for multi-valued and objects for complex attributes', () => {
    const r = normaliseValue(def('emails'), { value: 'a@x' }, 'emails');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.message, /'emails' must be an array/);
    assert.equal(normaliseValue(def('name'), 'Jane', 'name').ok, false);
    assert.equal(normaliseValue(def('userName'), 5, 'userName').ok, false);
    assert.equal(normaliseValue(def('active'), 'maybe', 'active').ok, false);
  });

  it('names the nested attribute that failed', () => {
    const r = normaliseValue(def('emails'), [{ value: 'a', primary: 'sometimes' }], 'emails');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error.message, /emails\.primary/);
      assert.equal(r.error.scimType, 'invalidValue');
    }
  });
});

describe('normaliseAttributes', () => {
  it('canonicalises known keys, keeps unknown ones verbatim and drops top-level readOnly ones', () => {
    const r = normaliseAttributes({ USERNAME: 'j', Active: 'False', custom: { x: 1 }, groups: [{ value: 'g' }] }, defs);
    assert.deepEqual(r, { ok: true, value: { userName: 'j', active: false, custom: { x: 1 } } });
  });

  it('removes an attribute set to null', () => {
    const r = normaliseAttributes({ title: null, displayName: 'D' }, defs);
    assert.deepEqual(r, { ok: true, value: { displayName: 'D' } });
  });
});
