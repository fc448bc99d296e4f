import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stripPasswords } from '../../../../src/http/scim/strip-passwords';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('stripPasswords (no password reaches Redis)', () => {
  it("drops a top-level password in any case (Okta's placeholder)", () => {
    assert.deepEqual(stripPasswords({ userName: 'j', password: '1mz050nq', PassWord: 'x' }), { userName: 'j' });
  });

  it('turns a PATCH op on path password into an empty path-less replace, so the request stays valid', () => {
    const out = stripPasswords({ schemas: [PATCH], Operations: [{ op: 'replace', path: ' Password ', value: 'secret' }, { op: 'replace', path: 'title', value: 'T' }] });
    assert.deepEqual(out, { schemas: [PATCH], Operations: [{ op: 'replace', value: {} }, { op: 'replace', path: 'title', value: 'T' }] });
    assert.ok(!JSON.stringify(out).includes('secret'));
  });

  it('removes a password inside a path-less PATCH value, and keeps the rest', () => {
    const out = stripPasswords({ schemas: [PATCH], operations: [{ op: 'replace', value: { password: 'secret', active: false } }] });
    assert.deepEqual(out, { schemas: [PATCH], operations: [{ op: 'replace', value: { active: false } }] });
  });

  it('leaves non-objects and other values alone, without mutating the input', () => {
    for (const v of [null, 'x', 5, [{ password: 'p' }]]) assert.deepEqual(stripPasswords(v), v);
    const input = { password: 'p', Operations: [{ op: 'add', Path: 'password', value: 'p' }] };
    const copy = structuredClone(input);
    stripPasswords(input);
    assert.deepEqual(input, copy);
    const odd = { Operations: ['junk', null, { op: 'add', value: ['password'] }] };
    assert.deepEqual(stripPasswords(odd), odd);
  });
});
