import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { primaryValueOf } from '../../../src/scim/user-document';

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
