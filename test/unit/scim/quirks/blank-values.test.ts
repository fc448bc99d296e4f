import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropBlankValues } from '../../../../src/scim/quirks/blank-values';

describe('dropBlankValues (OneLogin templates)', () => {
  it('drops blank attributes, blank-valued elements with their companions, and emptied objects', () => {
    const out = dropBlankValues({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'j',
      title: '',
      nickName: '   ',
      emails: [{ value: '', type: 'work' }, { value: 'a@x', type: 'home' }],
      phoneNumbers: [{ value: ' ', type: 'work' }],
      name: { givenName: '', familyName: ' ' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: ' ' }, department: 'R&D' },
    });
    assert.deepEqual(out, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'j',
      emails: [{ value: 'a@x', type: 'home' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
    });
  });

  it('keeps non-string values, including false and 0, and never touches schemas', () => {
    assert.deepEqual(dropBlankValues({ active: false, n: 0, x: null, schemas: [''] }), { active: false, n: 0, x: null, schemas: [''] });
  });

  it('returns an empty object rather than nothing, and leaves non-objects alone', () => {
    assert.deepEqual(dropBlankValues({ title: '' }), {});
    assert.equal(dropBlankValues('x'), 'x');
    assert.deepEqual(dropBlankValues([1]), [1]);
  });

  it('keeps a "__proto__" key as data', () => {
    const out = dropBlankValues(JSON.parse('{"__proto__": {"a": "b"}, "userName": "j"}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { a: 'b' });
  });
});
