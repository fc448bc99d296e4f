import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containsUnstorableText, isUnstorableText } from '../../../src/scim/storable-text';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, accepts paired ones', () => {
    assert.equal(isUnstorableText('a\u0000b'), true);
    assert.equal(isUnstorableText('\ud800'), true);
    assert.equal(isUnstorableText('x\udc00'), true);
    assert.equal(isUnstorableText('\udc00\ud800'), true, 'reversed pair is two lone surrogates');
    assert.equal(isUnstorableText('😀'), false);
    assert.equal(isUnstorableText('Zoë 日本'), false);
    assert.equal(isUnstorableText(''), false);
  });

  it('searches values and object keys at any depth', () => {
    assert.equal(containsUnstorableText({ a: [{ b: 'ok' }, 'fine'] }), false);
    assert.equal(containsUnstorableText({ a: [{ b: 'bad\u0000' }] }), true);
    assert.equal(containsUnstorableText({ ['k\ud800']: 1 }), true);
    assert.equal(containsUnstorableText([1, true, null, 'x']), false);
  });

  it('does not overflow the stack on deep nesting', () => {
    let v: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) v = [v];
    assert.equal(containsUnstorableText(v), true);
  });
});
