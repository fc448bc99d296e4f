import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asObject, findKey, getKey, setOwn } from '../../../../src/scim/quirks/json-keys';

describe('json-keys', () => {
  it('finds keys case-insensitively and returns the key as sent', () => {
    const o = { UserName: 'j', emails: [] };
    assert.equal(findKey(o, 'username'), 'UserName');
    assert.equal(getKey(o, 'USERNAME'), 'j');
    assert.equal(findKey(o, 'nope'), undefined);
    assert.equal(getKey(o, 'nope'), undefined);
  });

  it('asObject accepts plain objects only', () => {
    assert.deepEqual(asObject({ a: 1 }), { a: 1 });
    for (const v of [null, [], 'x', 3]) assert.equal(asObject(v), undefined);
  });

  it('setOwn stores "__proto__" as an own key instead of replacing the prototype', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.equal((o as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.keys(o), ['__proto__']);
    setOwn(o, 'a', 1);
    setOwn(o, 'a', 2);
    assert.equal(o['a'], 2);
  });
});
