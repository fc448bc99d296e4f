import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepthExceeds } from '../../../src/scim/json-depth';

describe('jsonDepthExceeds', () => {
  it('counts a scalar as depth 0 and {} as depth 1', () => {
    assert.equal(jsonDepthExceeds('x', 0), false);
    assert.equal(jsonDepthExceeds({}, 0), true);
    assert.equal(jsonDepthExceeds({}, 1), false);
    assert.equal(jsonDepthExceeds({ a: [{}] }, 3), false);
    assert.equal(jsonDepthExceeds({ a: [{}] }, 2), true);
  });

  it('finds the deep branch among shallow siblings', () => {
    assert.equal(jsonDepthExceeds({ a: 1, b: [1, 2], c: { d: { e: {} } } }, 3), true);
  });

  it('survives hostile nesting without a stack overflow', () => {
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    assert.equal(jsonDepthExceeds(v, 64), true);
  });
});
