import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupColumns, parseGroupInput, parseMemberValues } from '../../../src/scim/group-document';
import { GROUP_SCHEMA } from '../../../src/scim/schema-urns';

describe('parseMemberValues', () => {
  it('collects ids in order and collapses duplicates (Okta re-sends)', () => {
    assert.deepEqual(parseMemberValues([{ value: 'a' }, { VALUE: 'b', display: 'B' }, { value: 'a' }]), { ok: true, value: ['a', 'b'] });
    assert.deepEqual(parseMemberValues(null), { ok: true, value: [] });
    assert.deepEqual(parseMemberValues({ value: 'solo' }), { ok: true, value: ['solo'] });
  });

  it('refuses members without a non-empty string value, naming the attribute', () => {
    for (const bad of [['a'], [{ value: '' }], [{ value: 5 }], [{}]]) {
      const r = parseMemberValues(bad, 'value');
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.scimType, 'invalidValue');
        assert.match(r.error.message, /'value/);
      }
    }
  });
});

describe('parseGroupInput', () => {
  it('separates members from the stored doc and ignores id and meta', () => {
    const r = parseGroupInput({ schemas: [GROUP_SCHEMA], id: 'x', meta: {}, displayName: 'Eng', externalId: 'e1', members: [{ value: 'u1' }] });
    assert.ok(r.ok);
    assert.deepEqual(r.value.memberIds, ['u1']);
    assert.deepEqual(r.value.doc, { displayName: 'Eng', externalId: 'e1', schemas: [GROUP_SCHEMA] });
  });

  it('keeps extension objects verbatim and lists their URNs in schemas', () => {
    const urn = 'urn:example:ext:Group';
    const r = parseGroupInput({ schemas: [GROUP_SCHEMA], displayName: 'Eng', [urn]: { colour: 'red' } });
    assert.ok(r.ok);
    assert.deepEqual(r.value.doc[urn], { colour: 'red' });
    assert.ok((r.value.doc['schemas'] as string[]).includes(urn));
  });

  it('requires a non-empty displayName and a string externalId', () => {
    for (const body of [{ schemas: [GROUP_SCHEMA] }, { schemas: [GROUP_SCHEMA], displayName: ' ' }, { schemas: [GROUP_SCHEMA], displayName: 'a', externalId: 5 }, 'x', null]) {
      assert.equal(parseGroupInput(body).ok, false, JSON.stringify(body));
    }
  });
});

describe('groupColumns', () => {
  it('extracts the filterable columns with safe defaults', () => {
    assert.deepEqual(groupColumns({ displayName: 'Eng', externalId: 'e' }), { displayName: 'Eng', externalId: 'e' });
    assert.deepEqual(groupColumns({ displayName: 3 }), { displayName: '', externalId: null });
  });
});
