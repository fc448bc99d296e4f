import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalisePatchBody } from '../../../../src/scim/quirks/patch-body';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA } from '../../../../src/scim/schema-urns';

const MANAGER = `${ENTERPRISE_USER_SCHEMA}:manager`;
const ops = (Operations: unknown[], type: 'User' | 'Group' = 'User') =>
  (normalisePatchBody({ schemas: [PATCH_OP_SCHEMA], Operations }, type) as { Operations: unknown[] }).Operations;

describe('normalisePatchBody', () => {
  it("replaces the manager wholesale when Entra sends a string id", () => {
    assert.deepEqual(ops([{ op: 'Replace', path: MANAGER, value: 'm-1' }]), [
      { op: 'remove', path: MANAGER },
      { op: 'add', path: MANAGER, value: { value: 'm-1' } },
    ]);
  });

  it('turns a blank manager or manager.value into a remove', () => {
    assert.deepEqual(ops([{ op: 'replace', path: MANAGER, value: '' }]), [{ op: 'remove', path: MANAGER }]);
    assert.deepEqual(ops([{ op: 'add', path: `${MANAGER}.value`, value: null }]), [{ op: 'remove', path: MANAGER }]);
  });

  it('renames managerId in an object value, keeping the op', () => {
    assert.deepEqual(ops([{ op: 'add', path: MANAGER, value: { managerId: 'm' } }]), [{ op: 'add', path: MANAGER, value: { value: 'm' } }]);
    const rfc = { op: 'add', path: MANAGER, value: { value: 'm' } };
    assert.deepEqual(ops([rfc]), [rfc], 'the RFC form passes unchanged');
  });

  it('splits a string manager out of a path-less value, keeping the other attributes', () => {
    assert.deepEqual(ops([{ op: 'replace', value: { title: 'T', [ENTERPRISE_USER_SCHEMA]: { manager: 'm', department: 'D' } } }]), [
      { op: 'replace', value: { title: 'T', [ENTERPRISE_USER_SCHEMA]: { department: 'D' } } },
      { op: 'remove', path: MANAGER },
      { op: 'add', path: MANAGER, value: { value: 'm' } },
    ]);
    assert.deepEqual(ops([{ op: 'replace', value: { [MANAGER]: '' } }]), [{ op: 'remove', path: MANAGER }]);
  });

  it('turns a value-less add on members[value eq ...] into an add of those members (groups only)', () => {
    assert.deepEqual(ops([{ op: 'add', path: 'members[value eq "a" or value eq "b"]' }], 'Group'), [
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
    ]);
    const withValue = { op: 'add', path: 'members[value eq "a"]', value: [] };
    assert.deepEqual(ops([withValue], 'Group'), [withValue]);
  });

  it('passes everything else through for the parser to judge', () => {
    const odd = [{ op: 'remove', path: MANAGER }, 'junk', { op: 'replace', path: 'title', value: 'x' }];
    assert.deepEqual(ops(odd), odd);
    assert.equal(normalisePatchBody('x', 'User'), 'x');
    assert.deepEqual(normalisePatchBody({ schemas: [] }, 'User'), { schemas: [] });
  });
});
