import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloneJson, deepEqual, isPlainObject } from '../../../src/scim/deep-equal';

describe('deepEqual', () => {
  it('ignores key order but not array order', () => {
    assert.equal(deepEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
    assert.equal(deepEqual([1, 2], [2, 1]), false);
  });

  it('treats an undefined member as absent', () => {
    assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), true);
    assert.equal(deepEqual({ a: 1 }, { a: 1, b: undefined }), true);
    assert.equal(deepEqual({ a: undefined }, { b: undefined }), true);
  });

  it('tells apart values of different shapes', () => {
    assert.equal(deepEqual([], {}), false);
    assert.equal(deepEqual(null, {}), false);
    assert.equal(deepEqual({ a: null }, { a: undefined }), false);
    assert.equal(deepEqual('1', 1), false);
    assert.equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(deepEqual({ a: 1, c: 2 }, { a: 1, b: 2 }), false);
  });
});

describe('cloneJson and isPlainObject', () => {
  it('copies deeply', () => {
    const v = { a: [{ b: 1 }] };
    const c = cloneJson(v);
    c.a[0]!.b = 2;
    assert.equal(v.a[0]!.b, 1);
  });

  it('calls only non-null, non-array objects plain', () => {
    assert.equal(isPlainObject({}), true);
    for (const v of [null, [], 'x', 1, undefined]) assert.equal(isPlainObject(v), false);
  });
});
