import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import { parseFilter } from '../../src/scim/filter/parse-filter';
import { compileGroupFilter, compileUserFilter } from '../../src/store/scim-filter-sql';
import { ENT } from '../support/scim-fixtures';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `scimfilter_${randomBytes(6).toString('hex')}`;
let admin: Knex;
let db: Knex;
const dir = randomUUID();
const otherDir = randomUUID();
const ids = { jane: randomUUID(), bob: randomUUID(), pct: randomUUID(), bare: randomUUID(), g1: randomUUID(), g2: randomUUID() };

before(async () => {
  admin = knexFactory({ client: 'pg', connection: ADMIN, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${dbName}`);
  db = knexFactory({ client: 'pg', connection: `postgres://postgres@127.0.0.1:5432/${dbName}`, pool: { min: 0, max: 2 } });
  await db.raw(`
    CREATE TABLE users(id uuid PRIMARY KEY, directory_id uuid NOT NULL, seq bigserial, user_name text NOT NULL, external_id text,
      display_name text, active boolean NOT NULL, primary_email text, doc jsonb NOT NULL, version int NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
    CREATE UNIQUE INDEX ON users(directory_id, lower(user_name));
    CREATE TABLE groups(id uuid PRIMARY KEY, directory_id uuid NOT NULL, seq bigserial, display_name text NOT NULL, external_id text,
      doc jsonb NOT NULL, version int NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE group_members(directory_id uuid NOT NULL, group_id uuid NOT NULL, user_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, user_id));`);
  const u = (id: string, directory: string, doc: Record<string, unknown>, createdAt: string) => ({
    id, directory_id: directory, user_name: doc['userName'], external_id: doc['externalId'] ?? null, display_name: doc['displayName'] ?? null,
    active: doc['active'] !== false, primary_email: null, doc: JSON.stringify(doc), created_at: createdAt, updated_at: createdAt,
  });
  await db('users').insert([
    u(ids.jane, dir, { userName: 'jane+x@example.com', externalId: 'Ext-1', displayName: 'Jane Doe', active: true, title: 'Engineer',
      name: { givenName: 'Jane', familyName: 'Doe' }, emails: [{ value: 'jane+x@example.com', type: 'work', primary: true }, { value: 'jane@home.org', type: 'home' }],
      [ENT]: { employeeNumber: '701984', manager: { value: 'mgr-1' } } }, '2024-01-01T00:00:00Z'),
    u(ids.bob, dir, { userName: 'Bob@Contoso.com', externalId: 'ext-2', displayName: 'Bob', active: false,
      emails: [{ value: 'bob@home.org', type: 'home' }, { value: 'bob@contoso.com', type: 'other' }], [ENT]: { employeeNumber: 701984 } }, '2024-06-01T00:00:00Z'),
    u(ids.pct, dir, { userName: '50%_off\\deal', displayName: "O'Brien", active: true, title: '', emails: 'not-an-array' }, '2025-01-01T00:00:00Z'),
    u(ids.bare, dir, { userName: 'bare', active: true }, '2025-02-01T00:00:00Z'),
    u(randomUUID(), otherDir, { userName: 'jane+x@example.com', active: true }, '2024-01-01T00:00:00Z'),
  ]);
  await db('groups').insert([
    { id: ids.g1, directory_id: dir, display_name: 'Avengers', external_id: 'okta-g1', doc: JSON.stringify({ displayName: 'Avengers', externalId: 'okta-g1' }) },
    { id: ids.g2, directory_id: dir, display_name: 'X-Men', external_id: null, doc: JSON.stringify({ displayName: 'X-Men' }) },
  ]);
  await db('group_members').insert([{ directory_id: dir, group_id: ids.g1, user_id: ids.jane }, { directory_id: dir, group_id: ids.g2, user_id: ids.bob }]);
});

after(async () => {
  await db?.destroy();
  await admin?.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin?.destroy();
});

async function users(filter: string): Promise<string[]> {
  const node = parseFilter(filter, 'User');
  assert.ok(node.ok, `${filter}: ${node.ok ? '' : node.error.message}`);
  const frag = compileUserFilter(node.value);
  const rows: Array<{ id: string }> = await db('users').select('users.id').where('users.directory_id', dir).andWhereRaw(frag.sql, frag.bindings as Knex.RawBinding[]);
  const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  return rows.map((r) => name[r.id] ?? r.id).sort();
}
async function groups(filter: string): Promise<string[]> {
  const node = parseFilter(filter, 'Group');
  assert.ok(node.ok);
  const frag = compileGroupFilter(node.value);
  const rows: Array<{ id: string }> = await db('groups').select('groups.id').where('groups.directory_id', dir).andWhereRaw(frag.sql, frag.bindings as Knex.RawBinding[]);
  return rows.map((r) => (r.id === ids.g1 ? 'g1' : 'g2')).sort();
}

test('emitted SQL is parameterised and index friendly for userName', () => {
  const n = parseFilter('userName eq "JANE+X@EXAMPLE.COM"', 'User');
  assert.ok(n.ok);
  assert.deepEqual(compileUserFilter(n.value), { sql: 'lower(users.user_name) = lower(?::text)', bindings: ['JANE+X@EXAMPLE.COM'] });
  const e = parseFilter(`${ENT}:employeeNumber eq "1' OR 1=1"`, 'User');
  assert.ok(e.ok);
  const f = compileUserFilter(e.value);
  assert.ok(!f.sql.includes('employeeNumber') && !f.sql.includes('OR 1=1'));
  assert.deepEqual(f.bindings, [[ENT, 'employeeNumber'], "1' OR 1=1"]);
  const id = parseFilter('id eq "nope"', 'User');
  assert.ok(id.ok);
  assert.deepEqual(compileUserFilter(id.value), { sql: 'false', bindings: [] });
});

const cases: Array<[string, string[]]> = [
  ['userName eq "JANE+X@EXAMPLE.COM"', ['jane']],
  ['userName eq "bob@contoso.com"', ['bob']],
  ['userName ne "bob@contoso.com"', ['bare', 'jane', 'pct']],
  ['userName co "50%_"', ['pct']],
  ['userName sw "50%"', ['pct']],
  ['userName ew "\\\\deal"', ['pct']],
  ['userName co "%"', ['pct']],
  ['userName co "_"', ['pct']],
  ['userName sw "B"', ['bob', 'bare'].sort()],
  ['externalId eq "ext-1"', []],
  ['externalId eq "Ext-1"', ['jane']],
  ['not (externalId eq "Ext-1")', ['bare', 'bob', 'pct']],
  ['displayName eq "jane doe"', ['jane']],
  ['displayName eq "O\'Brien"', ['pct']],
  ['active eq false', ['bob']],
  ['active eq "True" and userName sw "j"', ['jane']],
  ['emails[type eq "work"]', ['jane']],
  ['emails[type eq "work" and value co "@EXAMPLE.com"]', ['jane']],
  ['emails[type eq "home"].value ew "home.org"', ['bob', 'jane']],
  ['emails[type eq "work"].value eq "bob@contoso.com"', []],
  ['emails.value eq "jane+x@example.com"', ['jane']],
  ['emails co "contoso"', ['bob']],
  ['emails pr', ['bob', 'jane']],
  ['title pr', ['jane']],
  ['name.givenName eq "JANE"', ['jane']],
  ['name pr', ['jane']],
  // bob's employeeNumber is stored as a JSON number: string comparisons use its text form (lenient, never a cast error).
  [`${ENT}:employeeNumber eq "701984"`, ['bob', 'jane']],
  // employeeNumber is a string attribute (RFC 7643 §4.3): 700000 is compared as the string "700000".
  [`${ENT}:employeeNumber gt 700000`, ['bob', 'jane']],
  [`${ENT}:manager.value eq "mgr-1"`, ['jane']],
  [`${ENT}:employeeNumber pr`, ['bob', 'jane']],
  ['(userName eq "bare" or userName eq "jane+x@example.com") and not (active eq false)', ['bare', 'jane']],
  ['((userName eq "bare") or ((displayName co "bob")))', ['bare', 'bob']],
  [`id eq "${ids.bob}"`, ['bob']],
  ['id eq "010101001010101011001010101011"', []],
  ['id ne "010101001010101011001010101011"', ['bare', 'bob', 'jane', 'pct']],
  ['meta.created ge "2025-01-01T00:00:00Z"', ['bare', 'pct']],
  ['meta.lastModified lt "2024-03-01T00:00:00+01:00"', ['jane']],
  ['userName eq "x\\" OR 1=1 --"', []],
  ["displayName eq \"'; DROP TABLE users; --\"", []],
  ['urn:acme:ext:User:badge eq "?"', []],
  [`groups.value eq "${ids.g1}"`, ['jane']],
];
for (const [filter, expected] of cases) {
  test(`users: ${filter}`, async () => {
    assert.deepEqual(await users(filter), expected);
  });
}

const groupCases: Array<[string, string[]]> = [
  ['displayName eq "avengers"', ['g1']],
  ['externalId eq "okta-g1"', ['g1']],
  [`members.value eq "${ids.bob}"`, ['g2']],
  [`members[value eq "${ids.jane}"]`, ['g1']],
  ['members[value eq "not-a-uuid"]', []],
  ['members pr', ['g1', 'g2']],
  [`id eq "${ids.g2}"`, ['g2']],
  [`not (members.value eq "${ids.jane}")`, ['g2']],
];
for (const [filter, expected] of groupCases) {
  test(`groups: ${filter}`, async () => {
    assert.deepEqual(await groups(filter), expected);
  });
}
