import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchRequest } from '../../../../src/scim/patch/parse-patch';
import { applyGroupPatch, applyUserPatch } from '../../../../src/scim/patch/apply-patch';
import { parseUserInput } from '../../../../src/scim/user-document';
import { ENT, entraCreateUser, oktaCreateUser, patch } from '../../../support/scim-fixtures';

function userDoc(body: unknown = oktaCreateUser) {
  const r = parseUserInput(body);
  assert.ok(r.ok);
  return r.value.doc;
}
function user(doc: Record<string, unknown>, body: unknown) {
  const ops = parsePatchRequest(body, 'User');
  if (!ops.ok) return ops;
  return applyUserPatch(doc, ops.value);
}
function group(body: unknown) {
  const doc = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Avengers', externalId: 'g-ext' };
  const ops = parsePatchRequest(body, 'Group');
  if (!ops.ok) return ops;
  return applyGroupPatch(doc, ops.value);
}

test('Okta deactivate (path-less replace) then reactivate', () => {
  const r = user(userDoc(), patch({ op: 'replace', value: { active: false } }));
  assert.ok(r.ok);
  assert.equal(r.value.doc['active'], false);
  assert.equal(r.value.changed, true);
  const back = user(r.value.doc, patch({ op: 'replace', value: { active: true } }));
  assert.ok(back.ok && back.value.doc['active'] === true);
});

test('Entra periodic active=true on an active user is a no-op', () => {
  const doc = userDoc();
  for (const v of [true, 'True', 'true']) {
    const r = user(doc, patch({ op: 'Replace', path: 'active', value: v }));
    assert.ok(r.ok);
    assert.equal(r.value.changed, false);
  }
});

test('Entra capitalised ops, string booleans, several attributes in one value', () => {
  const r = user(userDoc(entraCreateUser), patch(
    { op: 'Replace', path: 'active', value: 'False' },
    { op: 'Replace', value: { displayName: 'Bobby', 'name.givenName': 'Robert', title: 'Eng' } },
    { op: 'Add', path: 'emails[type eq "work"].value', value: 'robert@contoso.com' },
    { op: 'Replace', path: `${ENT}:manager`, value: { value: 'mgr-2' } },
    { op: 'Add', path: `${ENT}:employeeNumber`, value: '9' },
  ));
  assert.ok(r.ok, JSON.stringify(r));
  const d = r.value.doc;
  assert.equal(d['active'], false);
  assert.equal(d['displayName'], 'Bobby');
  assert.equal(d['title'], 'Eng');
  assert.deepEqual(d['name'], { formatted: 'Bob B', familyName: 'B', givenName: 'Robert' });
  assert.deepEqual(d['emails'], [{ primary: true, type: 'work', value: 'robert@contoso.com' }]);
  assert.deepEqual(d[ENT], { employeeNumber: '9', department: 'R&D', manager: { value: 'mgr-2' } });
});

test('filtered add that matches nothing creates the element (Entra)', () => {
  const r = user(userDoc(), patch({ op: 'Add', path: 'emails[type eq "home"].value', value: 'jane@home.example' }));
  assert.ok(r.ok);
  assert.deepEqual(r.value.doc['emails'], [
    { primary: true, value: 'jane+x@example.com', type: 'work' },
    { type: 'home', value: 'jane@home.example' },
  ]);
});

test('manager.value path, remove paths, enterprise extension emptied drops from schemas', () => {
  const r = user(userDoc(entraCreateUser), patch(
    { op: 'replace', path: `${ENT}:manager.value`, value: 'mgr-3' },
  ));
  assert.ok(r.ok);
  assert.deepEqual((r.value.doc[ENT] as Record<string, unknown>)['manager'], { value: 'mgr-3' });
  const rm = user(userDoc(entraCreateUser), patch(
    { op: 'remove', path: `${ENT}:manager` }, { op: 'remove', path: `${ENT}:employeeNumber` }, { op: 'remove', path: `${ENT}:department` },
    { op: 'remove', path: 'emails[type eq "work"]' }, { op: 'remove', path: 'name.formatted' },
  ));
  assert.ok(rm.ok);
  assert.equal(ENT in rm.value.doc, false);
  assert.deepEqual(rm.value.doc['schemas'], ['urn:ietf:params:scim:schemas:core:2.0:User']);
  assert.equal('emails' in rm.value.doc, false);
  assert.deepEqual(rm.value.doc['name'], { familyName: 'B', givenName: 'Bob' });
});

const userErrors: Array<[string, unknown, string]> = [
  ['empty Operations (Entra validator)', patch(), 'invalidValue'],
  ['missing Operations', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, 'invalidSyntax'],
  ['missing PatchOp schema', { schemas: [], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
  ['unknown op', patch({ op: 'merge', path: 'title', value: 'x' }), 'invalidSyntax'],
  ['remove without path', patch({ op: 'remove' }), 'noTarget'],
  ['invalid path', patch({ op: 'replace', path: 'emails[type eq', value: 'x' }), 'invalidPath'],
  ['unknown attribute path', patch({ op: 'replace', path: 'favouriteColour', value: 'x' }), 'invalidPath'],
  ['change id', patch({ op: 'replace', path: 'id', value: 'x' }), 'mutability'],
  ['groups readOnly', patch({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 'mutability'],
  ['remove userName', patch({ op: 'remove', path: 'userName' }), 'mutability'],
  ['members on a user', patch({ op: 'add', path: 'members', value: [{ value: 'u' }] }), 'invalidPath'],
  ['bad boolean', patch({ op: 'replace', path: 'active', value: 'nope' }), 'invalidValue'],
  ['add without value', patch({ op: 'add', path: 'title' }), 'invalidValue'],
];
for (const [name, body, scimType] of userErrors) {
  test(`user PATCH error: ${name}`, () => {
    const r = user(userDoc(), body);
    assert.ok(!r.ok);
    assert.equal(r.error.status, 400);
    assert.equal(r.error.scimType, scimType);
  });
}

test('atomic: a later invalid op leaves the input untouched', () => {
  const doc = userDoc();
  const snapshot = structuredClone(doc);
  const r = user(doc, patch({ op: 'replace', path: 'displayName', value: 'X' }, { op: 'replace', path: 'active', value: 'maybe' }));
  assert.ok(!r.ok);
  assert.deepEqual(doc, snapshot);
});

test('Okta group rename with id in value: accepted, members untouched', () => {
  const r = group(patch({ op: 'replace', value: { id: 'ab12', displayName: 'Avengers Assemble' } }));
  assert.ok(r.ok);
  assert.equal(r.value.doc['displayName'], 'Avengers Assemble');
  assert.deepEqual(r.value.memberChanges, []);
  const same = group(patch({ op: 'replace', value: { id: 'ab12', displayName: 'Avengers' } }));
  assert.ok(same.ok && same.value.changed === false);
});

const memberCases: Array<[string, unknown[], unknown]> = [
  ['Okta add + filtered remove in one PatchOp', [
    { op: 'remove', path: 'members[value eq "u1"]' },
    { op: 'add', path: 'members', value: [{ value: 'u2', display: 'jane@example.com' }, { value: 'u2' }] },
  ], [{ kind: 'remove', ids: ['u1'] }, { kind: 'add', ids: ['u2'] }]],
  ['remove with or filter', [{ op: 'remove', path: 'members[value eq "u1" or value eq "u2"]' }], [{ kind: 'remove', ids: ['u1', 'u2'] }]],
  ['remove all', [{ op: 'remove', path: 'members' }], [{ kind: 'removeAll' }]],
  ['Entra remove with value list', [{ op: 'Remove', path: 'members', value: [{ value: 'u3' }] }], [{ kind: 'remove', ids: ['u3'] }]],
  ['full push replace', [{ op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u4' }] }], [{ kind: 'replace', ids: ['u1', 'u4'] }]],
  ['replace with empty list empties the group', [{ op: 'replace', path: 'members', value: [] }], [{ kind: 'replace', ids: [] }]],
  ['path-less add with members', [{ op: 'add', value: { members: [{ value: 'u5' }] } }], [{ kind: 'add', ids: ['u5'] }]],
  ['path-less replace with members', [{ op: 'Replace', value: { displayName: 'Avengers', members: [{ value: 'u6' }] } }], [{ kind: 'replace', ids: ['u6'] }]],
];
for (const [name, ops, expected] of memberCases) {
  test(`group members: ${name}`, () => {
    const r = group(patch(...ops));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.memberChanges, expected);
    assert.equal('members' in r.value.doc, false);
  });
}

test('group member errors', () => {
  const bad = group(patch({ op: 'add', path: 'members', value: [{ value: 7 }] }));
  assert.ok(!bad.ok && bad.error.scimType === 'invalidValue');
  const badFilter = group(patch({ op: 'remove', path: 'members[display eq "x"]' }));
  assert.ok(!badFilter.ok && badFilter.error.status === 400);
  const noName = group(patch({ op: 'remove', path: 'displayName' }));
  assert.ok(!noName.ok && noName.error.scimType === 'mutability');
});
