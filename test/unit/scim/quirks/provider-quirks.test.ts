import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseProviderRequest } from '../../../../src/scim/quirks/provider-quirks';
import { PROVIDERS } from '../../../../src/common/providers';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const MANAGER = `${ENT}:manager`;
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patchOps = (provider: (typeof PROVIDERS)[number], resourceType: 'User' | 'Group', ...Operations: unknown[]) =>
  (normaliseProviderRequest({ provider, method: 'PATCH', resourceType, body: { schemas: [PATCH_SCHEMA], Operations } }) as { Operations: unknown[] }).Operations;

describe('provider quirks: forms with one meaning are normalised for every provider', () => {
  for (const provider of PROVIDERS) {
    it(`${provider}: manager string add/replace, blank clear, path-less string`, () => {
      assert.deepEqual(patchOps(provider, 'User', { op: 'Add', path: MANAGER, value: 'm1' }), [
        { op: 'remove', path: MANAGER },
        { op: 'add', path: MANAGER, value: { value: 'm1' } },
      ]);
      assert.deepEqual(patchOps(provider, 'User', { op: 'Replace', path: MANAGER, value: '' }), [{ op: 'remove', path: MANAGER }]);
      assert.deepEqual(patchOps(provider, 'User', { op: 'replace', path: `${MANAGER}.value`, value: ' ' }), [{ op: 'remove', path: MANAGER }]);
      assert.deepEqual(patchOps(provider, 'User', { op: 'Replace', value: { title: 'T', [ENT]: { manager: 'm2', department: 'D' } } }), [
        { op: 'replace', value: { title: 'T', [ENT]: { department: 'D' } } },
        { op: 'remove', path: MANAGER },
        { op: 'add', path: MANAGER, value: { value: 'm2' } },
      ]);
    });
  }

  it('leaves RFC forms untouched: object manager, remove, other paths, filtered member removes', () => {
    const ops = [
      { op: 'replace', path: MANAGER, value: { value: 'm', displayName: 'M' } },
      { op: 'remove', path: MANAGER },
      { op: 'replace', path: 'active', value: 'False' },
      { op: 'replace', path: MANAGER, value: 42 },
    ];
    assert.deepEqual(patchOps('entra', 'User', ...ops), ops);
    const groupOps = [{ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'add', path: 'members', value: [{ value: 'u2' }] }];
    assert.deepEqual(patchOps('okta', 'Group', ...groupOps), groupOps);
  });

  it('add on members[value eq …] without a value becomes an add of those members; with a value it is left to the parser', () => {
    assert.deepEqual(patchOps('onelogin', 'Group', { op: 'add', path: 'members[value eq "u1" or value eq "u2"]' }), [{ op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }]);
    const withValue = { op: 'add', path: 'members[value eq "u1"]', value: [{ value: 'u1' }] };
    assert.deepEqual(patchOps('onelogin', 'Group', withValue), [withValue]);
    const notEq = { op: 'add', path: 'members[display co "x"]' };
    assert.deepEqual(patchOps('generic', 'Group', notEq), [notEq]);
  });

  it('missing schemas of a POST/PUT are filled in from the endpoint; non-RFC URNs are mapped; other schemas are kept for validation', () => {
    const patch = normaliseProviderRequest({ provider: 'generic', method: 'PATCH', resourceType: 'User', body: { Operations: [] } }) as Record<string, unknown>;
    assert.equal(patch['schemas'], undefined, 'a PATCH without the PatchOp URN stays invalid');
    const group = normaliseProviderRequest({ provider: 'jumpcloud', method: 'POST', resourceType: 'Group', body: { displayName: 'G' } }) as Record<string, unknown>;
    assert.deepEqual(group['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:Group']);
    const user = normaliseProviderRequest({
      provider: 'okta',
      method: 'PUT',
      resourceType: 'User',
      body: { schemas: ['urn:scim:schemas:core:2.0', 'URN:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:1.0', 'urn:example:custom'], userName: 'u', 'urn:scim:schemas:extension:enterprise:2.0': { manager: { managerId: 'm' } }, emails: { value: 'u@x' } },
    }) as Record<string, unknown>;
    assert.deepEqual(user['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, 'urn:example:custom']);
    assert.deepEqual(user[ENT], { manager: { value: 'm' } });
    assert.deepEqual(user['emails'], [{ value: 'u@x' }]);
    const wrong = normaliseProviderRequest({ provider: 'okta', method: 'POST', resourceType: 'User', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'u' } }) as Record<string, unknown>;
    assert.deepEqual(wrong['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'a wrong schema is not "fixed"');
  });

  it('a manager object of blanks is cleared; one with only a displayName is kept as sent', () => {
    const body = (manager: unknown) =>
      (normaliseProviderRequest({ provider: 'entra', method: 'POST', resourceType: 'User', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'u', [ENT]: { manager, department: 'D' } } }) as Record<string, Record<string, unknown>>)[ENT];
    assert.deepEqual(body({ value: '', displayName: '' }), { department: 'D' });
    assert.deepEqual(body(''), { department: 'D' });
    assert.deepEqual(body('m'), { manager: { value: 'm' }, department: 'D' });
    assert.deepEqual(body({ displayName: 'Only Name' }), { manager: { displayName: 'Only Name' }, department: 'D' });
  });

  it('non-object bodies pass through for the parser to reject', () => {
    for (const body of [null, 'x', 5, [1]]) {
      assert.deepEqual(normaliseProviderRequest({ provider: 'okta', method: 'POST', resourceType: 'User', body }), body);
      assert.deepEqual(normaliseProviderRequest({ provider: 'okta', method: 'PATCH', resourceType: 'User', body }), body);
    }
  });
});

describe('provider quirks keyed by provider', () => {
  const sent = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'u', title: '', name: { givenName: 'A', middleName: ' ' }, emails: [{ value: '', type: 'work' }, { value: 'a@x', type: 'home' }] };

  it('onelogin: blank strings are no value (templated bodies render unset parameters as "")', () => {
    const out = normaliseProviderRequest({ provider: 'onelogin', method: 'POST', resourceType: 'User', body: sent }) as Record<string, unknown>;
    assert.equal(out['title'], undefined);
    assert.deepEqual(out['name'], { givenName: 'A' });
    assert.deepEqual(out['emails'], [{ value: 'a@x', type: 'home' }]);
    assert.equal(out['userName'], 'u');
  });

  for (const provider of PROVIDERS.filter((p) => p !== 'onelogin')) {
    it(`${provider}: blank strings are data, kept as sent`, () => {
      const out = normaliseProviderRequest({ provider, method: 'POST', resourceType: 'User', body: sent }) as Record<string, unknown>;
      assert.deepEqual(out, sent);
    });
  }
});

describe('provider quirks never turn a "__proto__" key into a prototype', () => {
  for (const provider of ['onelogin', 'okta'] as const) {
    it(provider, () => {
      const body = JSON.parse('{"schemas":["urn:scim:schemas:core:2.0"],"userName":"u","__proto__":{"polluted":"x"}}') as Record<string, unknown>;
      const out = normaliseProviderRequest({ provider, method: 'POST', resourceType: 'User', body }) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: 'x' });
      assert.equal((out as { polluted?: unknown }).polluted, undefined);
    });
  }
});
