// The SQL text the filter compiler produces, checked without a database (test/scim/scim-filter-sql.test.ts
// runs the same compiler against PostgreSQL for its meaning).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGroupFilter, compileUserFilter, escapeLike, type SqlFragment } from '../../../src/store/scim-filter-sql';
import { parseFilter } from '../../../src/scim/filter/parse-filter';

function users(filter: string): SqlFragment {
  const r = parseFilter(filter, 'User');
  if (!r.ok) throw new Error(r.error.message);
  return compileUserFilter(r.value);
}
function groups(filter: string): SqlFragment {
  const r = parseFilter(filter, 'Group');
  if (!r.ok) throw new Error(r.error.message);
  return compileGroupFilter(r.value);
}
const placeholders = (f: SqlFragment) => (f.sql.match(/\?/g) ?? []).length;

describe('compileUserFilter', () => {
  it('uses the indexed columns, case-insensitively for userName', () => {
    assert.deepEqual(users('userName eq "Jane@X"'), { sql: 'lower(users.user_name) = lower(?::text)', bindings: ['Jane@X'] });
    assert.deepEqual(users('externalId eq "Ab"'), { sql: 'users.external_id = ?::text', bindings: ['Ab'] });
    assert.deepEqual(users('active eq true'), { sql: 'users.active = ?::boolean', bindings: [true] });
    assert.deepEqual(users('meta.lastModified gt "2024-01-01T00:00:00Z"').sql, 'users.updated_at > ?::timestamptz');
  });

  it('keeps every client value and attribute path in bindings, one per placeholder', () => {
    for (const f of ['userName co "x\'); drop table users; --"', 'emails[type eq "work" and value ew "@x.example"]', 'name.givenName sw "J"', 'urn:example:ext:1.0:User:badge eq "b"', 'not (title pr) or nickName eq 5']) {
      const frag = users(f);
      assert.equal(placeholders(frag), frag.bindings.length, f);
      assert.ok(!frag.sql.includes('drop table'), f);
      assert.ok(!/\?[|&]/.test(frag.sql.replace(/\?::/g, '')), 'no jsonb ?| or ?& operators (knex placeholders)');
    }
  });

  it('escapes LIKE metacharacters for co/sw/ew', () => {
    assert.deepEqual(users('userName co "50%_off"').bindings, ['%50\\%\\_off%']);
    assert.deepEqual(users('userName sw "a"').bindings, ['a%']);
    assert.deepEqual(users('userName ew "a"').bindings, ['%a']);
    assert.equal(escapeLike('a\\b%c_d'), 'a\\\\b\\%c\\_d');
  });

  it('negates with coalesce so rows without the attribute still match not (...)', () => {
    assert.equal(users('not (externalId eq "x")').sql, 'NOT coalesce((users.external_id = ?::text), false)');
    assert.equal(users('externalId ne "x"').sql, 'NOT coalesce((users.external_id = ?::text), false)');
  });

  it('matches nothing for a malformed id or substring operators on dates, instead of a cast error', () => {
    assert.deepEqual(users('id eq "not-a-uuid"'), { sql: 'false', bindings: [] });
    assert.deepEqual(users('id eq "2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11"'), { sql: 'users.id = ?::uuid', bindings: ['2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11'] });
  });

  it('filters multi-valued attributes element by element, and user groups through group_members', () => {
    const emails = users('emails[type eq "work" and value eq "a@x"]');
    assert.match(emails.sql, /^EXISTS \(SELECT 1 FROM jsonb_array_elements\(CASE WHEN jsonb_typeof\(users\.doc #> \?::text\[\]\) = 'array'/);
    assert.deepEqual(emails.bindings.slice(0, 2), [['emails'], ['emails']]);
    assert.match(users('groups.value eq "2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11"').sql, /^EXISTS \(SELECT 1 FROM group_members gm WHERE gm\.user_id = users\.id AND \(gm\.group_id = \?::uuid\)\)$/);
  });

  it('joins and/or with parentheses around every operand', () => {
    const f = users('userName eq "a" and (active eq true or title pr)');
    assert.match(f.sql, /^\(\(lower\(users\.user_name\) = lower\(\?::text\)\) AND \(\(\(users\.active = \?::boolean\) OR \(coalesce/);
  });
});

describe('compileGroupFilter', () => {
  it('uses display_name and group_members for members', () => {
    assert.deepEqual(groups('displayName eq "Eng"'), { sql: 'lower(groups.display_name) = lower(?::text)', bindings: ['Eng'] });
    assert.match(groups('members[value eq "2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11"]').sql, /gm\.group_id = groups\.id AND \(gm\.user_id = \?::uuid\)/);
    assert.equal(groups('members pr').sql, 'EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = groups.id AND (true))');
  });
});
