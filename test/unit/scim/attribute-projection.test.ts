import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { projectAttributes } from '../../../src/scim/attribute-projection';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../../src/scim/schema-urns';

const user = () => ({
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u1',
  userName: 'jane',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [
    { value: 'a@x', type: 'work' },
    { value: 'b@x', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA]: { department: 'R&D', manager: { value: 'm1' } },
  meta: { resourceType: 'User' },
});

describe('projectAttributes (RFC 7644 §3.4.2.5)', () => {
  it('returns the resource untouched when neither list is given', () => {
    const u = user();
    assert.equal(projectAttributes(u, undefined, undefined), u);
    assert.equal(projectAttributes(u, [], []), u);
  });

  it('keeps only the named attributes plus id and schemas, case-insensitively, in the original order', () => {
    const out = projectAttributes(user(), ['USERNAME', 'name.givenName'], undefined);
    assert.deepEqual(out, { schemas: user().schemas, id: 'u1', userName: 'jane', name: { givenName: 'Jane' } });
    assert.deepEqual(Object.keys(out), ['schemas', 'id', 'userName', 'name']);
  });

  it('projects sub-attributes of multi-valued attributes element by element', () => {
    const out = projectAttributes(user(), ['emails.value'], undefined);
    assert.deepEqual(out['emails'], [{ value: 'a@x' }, { value: 'b@x' }]);
  });

  it('handles URN-qualified names: core URN dropped, extension kept, empty extension removed', () => {
    assert.deepEqual(projectAttributes(user(), [`${USER_SCHEMA}:userName`], undefined)['userName'], 'jane');
    const ext = projectAttributes(user(), [`${ENTERPRISE_USER_SCHEMA}:manager.value`], undefined);
    assert.deepEqual(ext[ENTERPRISE_USER_SCHEMA], { manager: { value: 'm1' } });
    const none = projectAttributes(user(), [`${ENTERPRISE_USER_SCHEMA}:costCenter`], undefined);
    assert.equal(ENTERPRISE_USER_SCHEMA in none, false);
  });

  it('excludes attributes without touching the input, but never id or schemas', () => {
    const u = user();
    const out = projectAttributes(u, undefined, ['emails.type', 'name', 'id', 'schemas', `${ENTERPRISE_USER_SCHEMA}:department`]);
    assert.deepEqual(out['emails'], [{ value: 'a@x' }, { value: 'b@x' }]);
    assert.equal('name' in out, false);
    assert.equal(out['id'], 'u1');
    assert.ok(out['schemas']);
    assert.deepEqual(out[ENTERPRISE_USER_SCHEMA], { manager: { value: 'm1' } });
    assert.equal(u.emails[0]!.type, 'work', 'input is not modified');
  });

  it('attributes wins over excludedAttributes', () => {
    assert.deepEqual(Object.keys(projectAttributes(user(), ['userName'], ['userName'])), ['schemas', 'id', 'userName']);
  });
});
