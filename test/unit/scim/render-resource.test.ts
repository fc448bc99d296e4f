import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { etagFor, parseAttributeList, renderGroup, renderUser, type StoredResource } from '../../../src/scim/render-resource';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../src/scim/schema-urns';

const stored = (doc: Record<string, unknown>): StoredResource => ({
  id: 'id-1',
  doc,
  version: 7,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-02T00:00:00Z'),
});

describe('renderUser / renderGroup', () => {
  it('adds id and meta from the row, with a weak ETag and the location under the base URL', () => {
    const u = renderUser(stored({ schemas: [USER_SCHEMA], userName: 'j' }), { baseUrl: 'https://h/scim/v2/d///' });
    assert.deepEqual(u, {
      schemas: [USER_SCHEMA],
      id: 'id-1',
      userName: 'j',
      meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-02T00:00:00.000Z', location: 'https://h/scim/v2/d/Users/id-1', version: 'W/"7"' },
    });
  });

  it('never leaks a stored id, meta or password, whatever their case', () => {
    const u = renderUser(stored({ userName: 'j', ID: 'evil', Meta: { x: 1 }, PassWord: 'p' }), { baseUrl: 'https://h' });
    assert.equal(u['id'], 'id-1');
    for (const k of ['ID', 'Meta', 'PassWord']) assert.equal(k in u, false, k);
    assert.deepEqual(u['schemas'], [USER_SCHEMA], 'defaults to the core schema');
  });

  it('renders members with $ref, or omits them when not loaded', () => {
    const g = renderGroup(stored({ displayName: 'Eng' }), [{ value: 'u1', display: 'U' }, { value: 'u2' }], { baseUrl: 'https://h' });
    assert.deepEqual(g['members'], [
      { value: 'u1', display: 'U', $ref: 'https://h/Users/u1' },
      { value: 'u2', $ref: 'https://h/Users/u2' },
    ]);
    assert.deepEqual(g['schemas'], [GROUP_SCHEMA]);
    assert.equal('members' in renderGroup(stored({ displayName: 'Eng' }), undefined, { baseUrl: 'https://h' }), false);
  });

  it('applies attributes/excludedAttributes after rendering', () => {
    const u = renderUser(stored({ userName: 'j', title: 't' }), { baseUrl: 'https://h', attributes: ['title'] });
    assert.deepEqual(Object.keys(u), ['schemas', 'id', 'title']);
  });
});

describe('etagFor and parseAttributeList', () => {
  it('formats a weak ETag', () => assert.equal(etagFor(12), 'W/"12"'));

  it('splits and trims a comma list; empty means absent', () => {
    assert.deepEqual(parseAttributeList(' userName , emails.value,,'), ['userName', 'emails.value']);
    assert.equal(parseAttributeList(undefined), undefined);
    assert.equal(parseAttributeList(' , '), undefined);
  });
});
