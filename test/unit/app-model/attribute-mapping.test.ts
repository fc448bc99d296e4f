import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ATTRIBUTE_MAPPING, checkMapping, checkMappingPath, compileMapping, projectUserAttributes, resolveMappedValue } from '../../../src/app-model/attribute-mapping';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User';

const path = (text: string) => {
  const p = checkMappingPath(text);
  assert.ok(p.ok, text);
  return p;
};

describe('checkMappingPath', () => {
  it('canonicalises core, enterprise and sub-attribute paths (names are case-insensitive)', () => {
    assert.equal(path('TITLE').path, 'title');
    assert.equal(path('name.GIVENNAME').path, 'name.givenName');
    assert.equal(path('phonenumbers').path, 'phoneNumbers');
    assert.equal(path(`${ENT.toUpperCase()}:COSTCENTER`).path, `${ENT}:costCenter`);
    assert.equal(path(`${ENT}:manager.value`).path, `${ENT}:manager.value`);
    assert.equal(path('department').path, `${ENT}:department`, 'an enterprise name alone');
    assert.equal(path('manager.value').path, `${ENT}:manager.value`);
  });

  it('keeps unknown extension URNs (Okta custom schema) verbatim', () => {
    assert.equal(path(`${CUSTOM}:costCode`).path, `${CUSTOM}:costCode`);
    assert.deepEqual(path('urn:okta:acme_app:1.0:user:custom:badge').parsed, { extension: 'urn:okta:acme_app:1.0:user:custom', attribute: 'badge' });
  });

  it('refuses unknown attributes, filters, blanks and unmappable attributes', () => {
    for (const bad of ['', '   ', 'titel', 'name.first', `${ENT}:managr`, 'emails[type eq "work"].value', 'password', 'groups', 'a b', 'title.value', '1abc']) {
      const p = checkMappingPath(bad);
      assert.equal(p.ok, false, bad);
    }
  });
});

describe('checkMapping', () => {
  it('accepts the default mapping as is', () => {
    const r = checkMapping(DEFAULT_ATTRIBUTE_MAPPING);
    assert.ok(r.ok);
    assert.deepEqual(r.entries, [...DEFAULT_ATTRIBUTE_MAPPING]);
  });

  it('reports every bad row with its index and field', () => {
    const r = checkMapping([
      { name: 'ok', path: 'title' },
      { name: 'bad-name', path: 'title' },
      { name: 'OK', path: 'nickName' },
      { name: 'x', path: 'nope' },
    ]);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.errors.map((e) => [e.index, e.field]),
      [
        [1, 'name'],
        [2, 'name'],
        [3, 'path'],
      ],
    );
  });

  it('limits the number of rows', () => {
    const r = checkMapping(Array.from({ length: 51 }, (_, i) => ({ name: `a${i}`, path: 'title' })));
    assert.ok(!r.ok);
    assert.match(r.errors[0]?.message ?? '', /at most 50/);
  });
});

describe('projection', () => {
  const entra = {
    userName: 'bob@contoso.com',
    title: 'Engineer',
    name: { givenName: 'Bob', familyName: 'B' },
    emails: [
      { value: 'b@home.example', type: 'home' },
      { value: 'bob@contoso.com', type: 'work' },
    ],
    phoneNumbers: [
      { value: '+1 1', type: 'mobile' },
      { value: '+1 2', type: 'work', primary: true },
    ],
    addresses: [{ type: 'home', locality: 'Paris' }, { type: 'work', primary: true, locality: 'Redmond' }],
    [ENT]: { employeeNumber: '701984', department: 'R&D', manager: { value: 'mgr-1', displayName: 'Alice' } },
    // A client's own spelling of an unknown extension.
    'urn:ietf:params:scim:schemas:extension:customextension:2.0:user': { CostCode: 'CC-1', badge: 7, tags: ['a'], nested: { level: 2 } },
  };

  it('gives the default enterprise attributes, null where there is no value', () => {
    assert.deepEqual(projectUserAttributes(entra, DEFAULT_ATTRIBUTE_MAPPING), { department: 'R&D', costCenter: null, employeeNumber: '701984', manager: 'mgr-1', title: 'Engineer', division: null, organization: null });
    assert.deepEqual(projectUserAttributes({ userName: 'x' }, DEFAULT_ATTRIBUTE_MAPPING), { department: null, costCenter: null, employeeNumber: null, manager: null, title: null, division: null, organization: null });
  });

  it('multi-valued attributes follow the one primary-value rule', () => {
    const p = compileMapping([
      { name: 'phone', path: 'phoneNumbers' },
      { name: 'phoneValue', path: 'phoneNumbers.value' },
      { name: 'email', path: 'emails' },
      { name: 'city', path: 'addresses.locality' },
    ]);
    assert.deepEqual(p(entra), { phone: '+1 2', phoneValue: '+1 2', email: 'bob@contoso.com', city: 'Redmond' });
  });

  it('complex without a sub-attribute gives its value; custom extensions match case-insensitively and keep JSON types', () => {
    assert.equal(resolveMappedValue(entra, path(`${ENT}:manager`).parsed), 'mgr-1');
    assert.equal(resolveMappedValue(entra, path(`${ENT}:manager.displayName`).parsed), 'Alice');
    const p = compileMapping([
      { name: 'cost', path: `${CUSTOM}:costCode` },
      { name: 'badge', path: `${CUSTOM}:badge` },
      { name: 'tags', path: `${CUSTOM}:tags` },
      { name: 'nested', path: `${CUSTOM}:nested` },
      { name: 'level', path: `${CUSTOM}:nested.level` },
      { name: 'missing', path: `${CUSTOM}:nothing` },
    ]);
    assert.deepEqual(p(entra), { cost: 'CC-1', badge: 7, tags: ['a'], nested: { level: 2 }, level: 2, missing: null });
  });

  it('the default mapping adds custom extension attributes under their own names; a saved one gives exactly its rows', () => {
    const user = {
      title: 'Engineer',
      [ENT]: { department: 'R&D' },
      [CUSTOM]: { costCode: 'CC-1', Title: 'taken', 'bad-name': 1, level: { value: 3 } },
      'urn:okta:acme_app:1.0:user:custom': { badge: 7, costCode: 'second' },
      'urn:ietf:params:scim:schemas:core:2.0:User': { nickName: 'core, not custom' },
    };
    assert.deepEqual(compileMapping(DEFAULT_ATTRIBUTE_MAPPING, { customExtensions: true })(user), {
      department: 'R&D',
      costCenter: null,
      employeeNumber: null,
      manager: null,
      title: 'Engineer',
      division: null,
      organization: null,
      costCode: 'CC-1',
      level: 3,
      badge: 7,
    });
    assert.deepEqual(compileMapping([{ name: 'title', path: 'title' }])(user), { title: 'Engineer' });
  });

  it('an empty string is no value; a row whose path no longer parses is skipped', () => {
    assert.deepEqual(projectUserAttributes({ title: '' }, [{ name: 'title', path: 'title' }, { name: 'gone', path: 'noSuchAttribute' }]), { title: null });
  });
});
