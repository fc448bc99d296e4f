import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, FilterNode } from '../../../../src/scim/filter/parse-filter';
import { ENT } from '../../../support/scim-fixtures';

function ok(text: string, rt: 'User' | 'Group' = 'User'): FilterNode {
  const r = parseFilter(text, rt);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error.message}`);
  return r.value;
}

test('Okta lookup after URL decoding keeps + in the email; names canonicalised', () => {
  const n = ok(decodeURIComponent('USERNAME%20eq%20%22jane%2Bx%40example.com%22'));
  assert.equal(n.kind, 'compare');
  if (n.kind !== 'compare') return;
  assert.equal(n.path.attribute, 'userName');
  assert.equal(n.value, 'jane+x@example.com');
});

test('escaped quotes and backslashes follow JSON (package tokenizer bug worked around)', () => {
  const a = ok('displayName eq "a\\"b"');
  const b = ok('displayName eq "a\\\\b"');
  assert.ok(a.kind === 'compare' && a.value === 'a"b');
  assert.ok(b.kind === 'compare' && b.value === 'a\\b');
});

test('precedence, not, nested parentheses', () => {
  const n = ok('userName eq "a" or not (title eq "b" and (active eq true))');
  assert.equal(n.kind, 'or');
  if (n.kind !== 'or') return;
  assert.equal(n.items[1]?.kind, 'not');
  const m = ok('a@x eq "1"'.replace('a@x', 'title') + ' or displayName eq "2" and active eq false');
  assert.ok(m.kind === 'or' && m.items[1]?.kind === 'and');
});

test('value path, sub-attribute after value path binds to the same element', () => {
  const v = ok('emails[type eq "work" and value co "@x"]');
  assert.ok(v.kind === 'valuePath' && v.filter.kind === 'and');
  const s = ok('emails[type eq "work"].value eq "x@y"');
  assert.equal(s.kind, 'valuePath');
  if (s.kind !== 'valuePath' || s.filter.kind !== 'and') return assert.fail('expected valuePath(and)');
  const last = s.filter.items[1];
  assert.ok(last?.kind === 'compare' && last.path.subAttribute === 'value');
});

test('URN-qualified paths and default value sub-attribute', () => {
  const e = ok(`${ENT}:employeeNumber eq "1"`);
  assert.ok(e.kind === 'compare' && e.path.extension === ENT && e.path.attribute === 'employeeNumber');
  const c = ok('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"');
  assert.ok(c.kind === 'compare' && c.path.attribute === 'userName' && c.path.extension === undefined);
  const u = ok('urn:acme:ext:User:badge eq "b"');
  assert.ok(u.kind === 'compare' && u.path.extension === 'urn:acme:ext:User');
  const d = ok('emails co "example.com"');
  assert.ok(d.kind === 'compare' && d.path.subAttribute === 'value');
  const active = ok('active eq "True"');
  assert.ok(active.kind === 'compare' && active.value === true);
  const date = ok('meta.lastModified gt "2011-05-13T04:42:34Z"');
  assert.ok(date.kind === 'compare' && date.value === '2011-05-13T04:42:34.000Z');
  ok('members[value eq "x" or value eq "y"]', 'Group');
  ok('externalId eq "e1" and displayName eq "Avengers"', 'Group');
});

const invalid: Array<[string, string]> = [
  ['', 'empty'],
  ['userName eq', 'no value'],
  ['userName eq "x" junk', 'trailing'],
  ["userName eq 'x'", 'single quotes'],
  ['favouriteColour eq "x"', 'unknown core attribute'],
  ['name eq "x"', 'complex compare'],
  ['active gt true', 'ordering on boolean'],
  ['active eq "yes"', 'boolean value'],
  ['meta.created gt "04-12-2018 00:00:00"', 'bad date'],
  ['userName co 5', 'co number'],
  ['emails[type eq "work"][value eq "x"]', 'double bracket'],
  ['emails[foo eq "x"]', 'unknown sub-attribute'],
  ['(' .repeat(100) + 'userName eq "x"' + ')'.repeat(100), 'deep nesting'],
  [Array.from({ length: 300 }, (_, i) => `title eq "${i}"`).join(' or '), 'too many nodes'],
  ['userName eq "x"'.padEnd(5000, ' '), 'too long'],
  ['userName eq "x"; DROP TABLE users', 'junk chars'],
];
for (const [text, why] of invalid) {
  test(`invalidFilter: ${why}`, () => {
    const r = parseFilter(text, 'User');
    assert.ok(!r.ok);
    assert.equal(r.error.status, 400);
    assert.equal(r.error.scimType, 'invalidFilter');
  });
}

test('Group-only restrictions', () => {
  const r = parseFilter('members.display eq "x"', 'Group');
  assert.ok(!r.ok && r.error.scimType === 'invalidFilter');
  const u = parseFilter('userName eq "x"', 'Group');
  assert.ok(!u.ok);
});
