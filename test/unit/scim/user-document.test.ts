import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUserInput, userColumns } from '../../../src/scim/user-document';
import { parseGroupInput, groupColumns } from '../../../src/scim/group-document';
import { renderGroup, renderUser, etagFor, parseAttributeList } from '../../../src/scim/render-resource';
import { scimErrorBody, ScimError } from '../../../src/scim/scim-error';
import { jsonDepthExceeds } from '../../../src/scim/json-depth';
import { serviceProviderConfig, resourceTypes, schemaDocuments } from '../../../src/scim/discovery';
import { ENT, entraCreateUser, oktaCreateUser, oktaPutUser } from '../../support/scim-fixtures';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

test('Okta create body: password and groups dropped, hadPassword set', () => {
  const r = parseUserInput(oktaCreateUser);
  assert.ok(r.ok);
  assert.equal(r.value.hadPassword, true);
  assert.equal('password' in r.value.doc, false);
  assert.equal('groups' in r.value.doc, false);
  assert.deepEqual(r.value.doc['name'], { givenName: 'Jane', familyName: 'Doe' });
  assert.deepEqual(userColumns(r.value.doc), {
    userName: 'jane+x@example.com', externalId: '00u1abcdEFGH', displayName: 'Jane Doe', active: true, primaryEmail: 'jane+x@example.com',
  });
});

test('Okta PUT echoing id and odd meta dates is accepted, both ignored', () => {
  const r = parseUserInput(oktaPutUser);
  assert.ok(r.ok);
  assert.equal('id' in r.value.doc, false);
  assert.equal('meta' in r.value.doc, false);
  assert.equal(r.value.hadPassword, false);
  assert.equal((r.value.doc['name'] as Record<string, unknown>)['givenName'], 'Janet');
});

test('Entra body: string booleans coerced, enterprise extension canonical', () => {
  const r = parseUserInput(entraCreateUser);
  assert.ok(r.ok);
  assert.equal(r.value.doc['active'], false);
  assert.deepEqual(r.value.doc['emails'], [{ primary: true, type: 'work', value: 'bob@contoso.com' }]);
  assert.deepEqual(r.value.doc[ENT], { employeeNumber: '701984', department: 'R&D', manager: { value: 'mgr-1' } });
  assert.equal(userColumns(r.value.doc).active, false);
});

test('attribute names are canonicalised case-insensitively; unknown attributes and extensions kept verbatim', () => {
  const r = parseUserInput({
    schemas: [USER], USERNAME: 'a@b.c', Name: { GivenName: 'A' }, ExternalID: 'x', customThing: { k: 1 },
    'urn:ietf:params:scim:schemas:extension:Enterprise:2.0:User': { EmployeeNumber: '7' },
    'urn:acme:custom:User': { Badge: 'b1' },
  });
  assert.ok(r.ok);
  assert.equal(r.value.doc['userName'], 'a@b.c');
  assert.deepEqual(r.value.doc['name'], { givenName: 'A' });
  assert.equal(r.value.doc['externalId'], 'x');
  assert.deepEqual(r.value.doc['customThing'], { k: 1 });
  assert.deepEqual(r.value.doc[ENT], { employeeNumber: '7' });
  assert.deepEqual(r.value.doc['urn:acme:custom:User'], { Badge: 'b1' });
  assert.deepEqual(r.value.doc['schemas'], [USER, ENT, 'urn:acme:custom:User']);
  assert.equal(r.value.doc['active'], true);
});

const bad: Array<[string, unknown, string, RegExp]> = [
  ['not an object', [1], 'invalidSyntax', /object/],
  ['no schemas', { userName: 'a' }, 'invalidSyntax', /schemas/],
  ['wrong schemas', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'a' }, 'invalidSyntax', /schemas/],
  ['missing userName', { schemas: [USER] }, 'invalidValue', /userName/],
  ['empty userName', { schemas: [USER], userName: '' }, 'invalidValue', /userName/],
  ['numeric userName', { schemas: [USER], userName: 5 }, 'invalidValue', /userName/],
  ['emails not array', { schemas: [USER], userName: 'a', emails: 'a@b' }, 'invalidValue', /emails/],
  ['name not object', { schemas: [USER], userName: 'a', name: 'A B' }, 'invalidValue', /name/],
  ['active not boolean', { schemas: [USER], userName: 'a', active: 'yes' }, 'invalidValue', /active/],
  ['email primary not boolean', { schemas: [USER], userName: 'a', emails: [{ value: 'x', primary: 'maybe' }] }, 'invalidValue', /emails.primary/],
];
for (const [name, body, scimType, detail] of bad) {
  test(`parseUserInput rejects ${name}`, () => {
    const r = parseUserInput(body);
    assert.ok(!r.ok);
    assert.equal(r.error.status, 400);
    assert.equal(r.error.scimType, scimType);
    assert.match(r.error.message, detail);
  });
}

test('group input: members deduplicated, display/type not stored, displayName required', () => {
  const r = parseGroupInput({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Avengers',
    members: [{ value: 'u1', display: 'jane@example.com' }, { value: 'u2', type: 'User' }, { value: 'u1' }],
  });
  assert.ok(r.ok);
  assert.deepEqual(r.value.memberIds, ['u1', 'u2']);
  assert.equal('members' in r.value.doc, false);
  assert.deepEqual(groupColumns(r.value.doc), { displayName: 'Avengers', externalId: null });
  const none = parseGroupInput({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'X' });
  assert.ok(none.ok && none.value.memberIds.length === 0);
  const badMember = parseGroupInput({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'X', members: [{ value: 5 }] });
  assert.ok(!badMember.ok && badMember.error.scimType === 'invalidValue');
  const noName = parseGroupInput({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], members: [] });
  assert.ok(!noName.ok && noName.error.scimType === 'invalidValue');
});

const stored = (doc: Record<string, unknown>) => ({
  id: 'u-1', doc, version: 3, createdAt: new Date('2024-01-02T03:04:05Z'), updatedAt: new Date('2024-02-02T03:04:05Z'),
});
const baseUrl = 'https://h/scim/v2/d1';

test('renderUser: meta, location, etag; never password even if stored by mistake', () => {
  const r = parseUserInput(entraCreateUser);
  assert.ok(r.ok);
  const out = renderUser(stored({ ...r.value.doc, password: 'leak' }), { baseUrl });
  assert.equal(out['id'], 'u-1');
  assert.equal('password' in out, false);
  assert.deepEqual(out['meta'], {
    resourceType: 'User', created: '2024-01-02T03:04:05.000Z', lastModified: '2024-02-02T03:04:05.000Z',
    location: 'https://h/scim/v2/d1/Users/u-1', version: 'W/"3"',
  });
  assert.equal(etagFor(7), 'W/"7"');
});

test('attributes / excludedAttributes (RFC 7644 §3.4.2.5)', () => {
  const r = parseUserInput(entraCreateUser);
  assert.ok(r.ok);
  const only = renderUser(stored(r.value.doc), { baseUrl, attributes: parseAttributeList('USERNAME, emails.value,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber') });
  assert.deepEqual(Object.keys(only).sort(), ['emails', 'id', 'schemas', 'userName', ENT].sort());
  assert.deepEqual(only['emails'], [{ value: 'bob@contoso.com' }]);
  assert.deepEqual(only[ENT], { employeeNumber: '701984' });
  const ex = renderUser(stored(r.value.doc), { baseUrl, excludedAttributes: ['id', 'name.familyName', 'emails', ENT] });
  assert.equal(ex['id'], 'u-1');
  assert.equal('emails' in ex, false);
  assert.equal(ENT in ex, false);
  assert.deepEqual(ex['name'], { formatted: 'Bob B', givenName: 'Bob' });
  assert.equal(parseAttributeList(undefined), undefined);
  assert.equal(parseAttributeList(' , '), undefined);
});

test('renderGroup: members with $ref; omitted when undefined or excluded', () => {
  const g = stored({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Avengers' });
  const out = renderGroup(g, [{ value: 'u9', display: 'Jane' }], { baseUrl });
  assert.deepEqual(out['members'], [{ value: 'u9', display: 'Jane', $ref: 'https://h/scim/v2/d1/Users/u9' }]);
  assert.equal((out['meta'] as Record<string, unknown>)['location'], 'https://h/scim/v2/d1/Groups/u-1');
  assert.equal('members' in renderGroup(g, undefined, { baseUrl }), false);
  assert.equal('members' in renderGroup(g, [{ value: 'u9' }], { baseUrl, excludedAttributes: ['members'] }), false);
});

test('error body has string status', () => {
  assert.deepEqual(scimErrorBody(new ScimError(409, 'dup', 'uniqueness')), {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'dup',
  });
  assert.equal('scimType' in scimErrorBody(new ScimError(404, 'nope')), false);
});

test('jsonDepthExceeds is iterative and exact', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100000; i++) deep = [deep];
  assert.equal(jsonDepthExceeds(deep, 64), true);
  assert.equal(jsonDepthExceeds({ a: [{ b: 1 }] }, 3), false);
  assert.equal(jsonDepthExceeds({ a: [{ b: {} }] }, 3), true);
});

test('discovery documents are truthful', () => {
  const o = { baseUrl, maxResults: 100, maxPayloadBytes: 1048576, maxOperations: 1000 };
  const spc = serviceProviderConfig(o);
  assert.deepEqual(spc['bulk'], { supported: false, maxOperations: 1000, maxPayloadSize: 1048576 });
  assert.deepEqual(spc['filter'], { supported: true, maxResults: 100 });
  assert.deepEqual(spc['patch'], { supported: true });
  assert.deepEqual(spc['sort'], { supported: false });
  assert.deepEqual(spc['changePassword'], { supported: false });
  assert.deepEqual(spc['etag'], { supported: true });
  const rts = resourceTypes(o);
  assert.deepEqual(rts.map((r) => r['id']), ['User', 'Group']);
  assert.deepEqual(rts[0]?.['schemaExtensions'], [{ schema: ENT, required: false }]);
  const schemas = schemaDocuments(o);
  assert.deepEqual(schemas.map((s) => s['name']), ['User', 'EnterpriseUser', 'Group']);
  const userName = (schemas[0]?.['attributes'] as Array<Record<string, unknown>>).find((a) => a['name'] === 'userName');
  assert.equal(userName?.['caseExact'], false);
  assert.equal(userName?.['uniqueness'], 'server');
});
