import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { primaryValueOf, userColumns, userFields } from '../../../src/scim/user-document';

describe('primaryValueOf: one rule for the main email or phone number', () => {
  const cases: [string, unknown, string | null][] = [
    ['Okta: one primary work email', [{ primary: true, value: 'a@x.example', type: 'work' }], 'a@x.example'],
    ['primary wins over order', [{ value: 'b@x.example', type: 'home' }, { primary: true, value: 'a@x.example' }], 'a@x.example'],
    ['a primary without a value is skipped', [{ primary: true, type: 'work' }, { value: 'a@x.example' }], 'a@x.example'],
    ['the issue\'s case: a valueless work entry, then a value', [{ type: 'work' }, { value: 'a@x.example' }], 'a@x.example'],
    ['no primary: the first work entry with a value', [{ value: 'h@x.example', type: 'home' }, { value: 'w@x.example', type: 'work' }], 'w@x.example'],
    ['Entra: type "Work" capitalised', [{ value: 'h@x.example', type: 'other' }, { value: 'w@x.example', type: 'Work' }], 'w@x.example'],
    ['no primary, no work: the first with a value', [{ value: 'h@x.example', type: 'home' }, { value: 'o@x.example' }], 'h@x.example'],
    ['OneLogin: empty strings are no value', [{ value: '', primary: true }, { value: 'a@x.example' }], 'a@x.example'],
    ['not an array', { value: 'a@x.example' }, null],
    ['nothing usable', [{ type: 'work' }, 'junk', null], null],
    ['phone numbers follow the same rule', [{ value: '+1 555 0100', type: 'mobile' }, { value: '+1 555 0101', type: 'work' }], '+1 555 0101'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => assert.equal(primaryValueOf(input), want));
  }
});

describe('userFields: the directory columns and the app model read users through one function', () => {
  const shapes: [string, Record<string, unknown>, { email: string | null; phone: string | null }][] = [
    ['Okta create', { userName: 'a@x.example', emails: [{ primary: true, value: 'a@x.example', type: 'work' }], phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }] }, { email: 'a@x.example', phone: '+1 555 0100' }],
    ['Entra create (Work capitalised, no primary)', { userName: 'e@x.example', emails: [{ type: 'Other', value: 'o@x.example' }, { type: 'Work', value: 'w@x.example' }], phoneNumbers: [{ type: 'mobile', value: '+44 1' }, { type: 'work', value: '+44 2' }] }, { email: 'w@x.example', phone: '+44 2' }],
    ['OneLogin (empty primary value)', { userName: 'o', emails: [{ primary: true, value: '' }, { value: 'b@x.example' }], phoneNumbers: [{ primary: true, value: '' }, { value: '+1 2' }] }, { email: 'b@x.example', phone: '+1 2' }],
    ['primary phone wins over work', { userName: 'p', phoneNumbers: [{ type: 'work', value: '+1 1' }, { primary: true, type: 'home', value: '+1 9' }] }, { email: null, phone: '+1 9' }],
    ['nothing usable', { userName: 'n', emails: 'a@x.example', phoneNumbers: [{ type: 'work' }] }, { email: null, phone: null }],
  ];
  for (const [name, doc, want] of shapes) {
    it(name, () => {
      const f = userFields(doc);
      assert.deepEqual({ email: f.primaryEmail, phone: f.primaryPhone }, want);
      // The directory's indexed column is the same value.
      assert.equal(userColumns(doc).primaryEmail, want.email);
    });
  }
  it('active is true unless explicitly false; names come from name.givenName/familyName', () => {
    assert.equal(userFields({ userName: 'x' }).active, true);
    assert.equal(userFields({ userName: 'x', active: false }).active, false);
    assert.deepEqual([userFields({ userName: 'x', name: { givenName: 'G', familyName: 'F' } }).givenName, userFields({ userName: 'x', name: { givenName: 'G', familyName: 'F' } }).familyName], ['G', 'F']);
    assert.equal(userFields({ userName: 'x', name: 'not an object' }).givenName, null);
  });
});
