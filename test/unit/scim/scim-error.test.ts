/**
 * The audit of issue 13, requirement 2, at the parsers: whatever a client sends, the
 * recorded fault of the error (recordedFault: detail and attribute) holds no value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_SCHEMA, ScimError, badRequest, recordedFault, scimErrorBody } from '../../../src/scim/scim-error';
import { parseFilter } from '../../../src/scim/filter/parse-filter';
import { parsePatchRequest } from '../../../src/scim/patch/parse-patch';
import { applyGroupPatch, applyUserPatch } from '../../../src/scim/patch/apply-patch';
import { parseUserInput } from '../../../src/scim/user-document';
import { parseGroupInput } from '../../../src/scim/group-document';
import type { Result } from '../../../src/scim/result';

const M = 'Zq9marker';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

function failure<T>(r: Result<T>, what: string): ScimError {
  assert.equal(r.ok, false, `${what} should fail`);
  return (r as { ok: false; error: ScimError }).error;
}

function userPatchError(body: unknown): ScimError {
  const ops = parsePatchRequest(body, 'User');
  if (!ops.ok) return ops.error;
  const doc = { userName: 'someone@example.com', emails: [{ type: 'work', value: 'someone@example.com' }] };
  return failure(applyUserPatch(doc, ops.value), JSON.stringify(body));
}

describe('ScimError fault: what the rejected-request record keeps', () => {
  it('recordedFault falls back to the detail, and never changes the client body', () => {
    const plain = new ScimError(409, 'A user with this userName already exists in this directory', 'uniqueness', { attribute: 'userName' });
    assert.deepEqual(recordedFault(plain), { detail: plain.message, attribute: 'userName' });
    const quoting = new ScimError(404, `User "${M}" not found`, undefined, { detail: 'User not found' });
    assert.deepEqual(recordedFault(quoting), { detail: 'User not found' });
    assert.equal(scimErrorBody(quoting).detail, `User "${M}" not found`, 'the client still gets the full detail');
  });

  const cases: [string, () => ScimError][] = [
    ['filter: unknown attribute', () => failure(parseFilter(`nosuch eq "${M}"`, 'User'), 'f1')],
    ['filter: syntax error quoting text', () => failure(parseFilter(`userName eq "${M}`, 'User'), 'f2')],
    ['filter: garbage', () => failure(parseFilter(`${M} ${M} ${M}`, 'User'), 'f3')],
    ['filter: boolean compared with a string', () => failure(parseFilter(`active eq "${M}"`, 'User'), 'f4')],
    ['filter: date', () => failure(parseFilter(`meta.lastModified gt "${M}"`, 'User'), 'f5')],
    ['filter: unknown sub-attribute in a value path', () => failure(parseFilter(`emails[nosuch eq "${M}"]`, 'User'), 'f6')],
    ['PATCH: invalid path with a literal', () => userPatchError(patch({ op: 'replace', path: `emails[value eq "${M}"`, value: M }))],
    ['PATCH: no target for a filter', () => userPatchError(patch({ op: 'replace', path: `emails[value co "${M}"].type`, value: 'home' }))],
    ['PATCH: bad value at a filtered path', () => userPatchError(patch({ op: 'replace', path: `emails[value eq "${M}"].primary`, value: M }))],
    ['PATCH: readOnly path with a literal', () => userPatchError(patch({ op: 'replace', path: `meta`, value: M }))],
    ['PATCH: bad boolean', () => userPatchError(patch({ op: 'replace', path: 'active', value: M }))],
    ['PATCH: unsupported members path', () => {
      const ops = parsePatchRequest(patch({ op: 'remove', path: `members[display eq "${M}"]` }), 'Group');
      return ops.ok ? failure(applyGroupPatch({ displayName: 'g' }, ops.value), 'g') : ops.error;
    }],
    ['user body: wrong type', () => failure(parseUserInput({ schemas: [USER], userName: 42, title: M }), 'u1')],
    ['user body: bad enterprise extension', () => failure(parseUserInput({ schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'], userName: M, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': M }), 'u2')],
    ['group body: member without value', () => failure(parseGroupInput({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: M, members: [M] }), 'g1')],
  ];
  for (const [name, make] of cases) {
    it(`${name}: no client value in the record`, () => {
      const e = make();
      assert.ok(e instanceof ScimError);
      const f = recordedFault(e);
      assert.ok(!JSON.stringify(f).includes(M), `${name}: ${JSON.stringify(f)} (client detail: ${e.message})`);
      assert.ok(f.detail.length > 0);
    });
  }

  it('names the attribute or PATCH path at fault, literals redacted', () => {
    assert.equal(recordedFault(failure(parseFilter(`nosuch eq "${M}"`, 'User'), 'a')).attribute, 'nosuch');
    assert.equal(recordedFault(failure(parseFilter(`active eq "${M}"`, 'User'), 'b')).attribute, 'active');
    assert.equal(recordedFault(userPatchError(patch({ op: 'replace', path: `emails[value co "${M}"].type`, value: 'home' }))).attribute, 'emails[value co "…"].type');
    assert.equal(recordedFault(userPatchError(patch({ op: 'replace', path: 'active', value: M }))).attribute, 'active');
  });
});

describe('ScimError', () => {
  it('renders status as a string and the detail, per RFC 7644 §3.12', () => {
    const body = scimErrorBody(new ScimError(404, 'User x not found'));
    assert.deepEqual(body, { schemas: [ERROR_SCHEMA], status: '404', detail: 'User x not found' });
    assert.equal('scimType' in body, false, 'no scimType key when none was given');
  });

  it('badRequest is a 400 with its scimType', () => {
    const e = badRequest('invalidFilter', 'bad filter');
    assert.ok(e instanceof ScimError && e instanceof Error);
    assert.equal(e.status, 400);
    assert.equal(e.name, 'ScimError');
    assert.deepEqual(scimErrorBody(e), { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter', detail: 'bad filter' });
  });
});
