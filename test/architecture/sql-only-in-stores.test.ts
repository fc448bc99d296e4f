import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * SQL lives only in store modules (docs/architecture.md, "Code layout"): `src/store/**`
 * (the stores and their plumbing) and the app user model's own stores,
 * `src/app-model/*-store.ts`. Everywhere else, a knex table builder (`db('users')`),
 * `.raw(`, a driver `.query(` or an SQL statement in a string literal is a finding.
 */
const SRC = path.resolve(__dirname, '../../src');

const isStoreModule = (rel: string): boolean => rel.startsWith('store/') || /^app-model\/[a-z0-9-]+-store\.ts$/.test(rel);

const PATTERNS: { name: string; re: RegExp }[] = [
  { name: 'knex table builder', re: /\b(?:db|trx|knex|conn|client)\s*(?:<[^>]*>)?\(\s*['"`][a-z_]+(?: as [a-z_]+)?['"`]\s*\)/ },
  { name: 'knex raw', re: /\.raw\s*(?:<[^>]*>)?\(/ },
  { name: 'driver query', re: /\.query\s*\(\s*\{?\s*(?:text\s*:)?\s*['"`]/ },
  { name: 'SQL statement in a string', re: /['"`]\s*(?:SELECT|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM|WITH\s+[a-z_]+\s+AS)\b/ },
];

export function sqlFindings(rel: string, text: string): string[] {
  if (isStoreModule(rel)) return [];
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name statements
    for (const p of PATTERNS) if (p.re.test(line)) out.push(`src/${rel}:${i + 1} ${p.name}: ${line.trim().slice(0, 100)}`);
  });
  return out;
}

/** `user-write-store.ts` → `UserWriteStore`. */
const className = (file: string): string => path.basename(file, '.ts').split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/** What a `*-store.ts` file exports at runtime besides its store class (constants and pure row mappers are allowed; functions taking a database handle are not). */
export function storeShapeFindings(rel: string, text: string): string[] {
  if (!rel.endsWith('-store.ts')) return [];
  const out: string[] = [];
  const cls = className(rel);
  if (!new RegExp(`^export class ${cls} \\{\\n  constructor\\(private readonly (?:db|conn): `, 'm').test(text)) out.push(`src/${rel}: no \`export class ${cls}\` constructed with its database handle`);
  for (const m of text.matchAll(/^export (?:async )?function (\w+)\((\w+): (Db|Queryable|Knex[\w.]*|Trx)\b/gm)) out.push(`src/${rel}: ${m[1]}(${m[2]}: ${m[3]}) is a store function outside the store class`);
  return out;
}

describe('SQL only in store modules', () => {
  it('no module outside the stores builds or sends SQL', () => {
    const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
    const findings = files.flatMap((rel) => sqlFindings(rel, fs.readFileSync(path.join(SRC, rel), 'utf8')));
    assert.deepEqual(findings, [], `SQL outside store modules:\n${findings.join('\n')}`);
  });

  it('every store module has the one store shape: a <Name>Store class constructed with the pool or a transaction', () => {
    const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('-store.ts')).map((f) => f.split(path.sep).join('/'));
    assert.ok(files.length > 10);
    const findings = files.flatMap((rel) => storeShapeFindings(rel, fs.readFileSync(path.join(SRC, rel), 'utf8')));
    assert.deepEqual(findings, [], findings.join('\n'));
  });

  it('the store-shape check finds a function store and a missing class', () => {
    assert.equal(storeShapeFindings('store/x-store.ts', 'export async function listX(db: Db) {}\n').length, 2);
    assert.equal(storeShapeFindings('store/x-store.ts', 'export class XStore {\n  constructor(private readonly db: Queryable) {}\n}\n').length, 0);
  });

  it('the check finds each kind of SQL it promises to find', () => {
    assert.equal(sqlFindings('delivery/x.ts', "const r = await db('users').where({ id });").length, 1);
    assert.equal(sqlFindings('delivery/x.ts', "await trx.raw('select 1');").length, 1);
    assert.equal(sqlFindings('worker/x.ts', "await conn.query({ text: 'SELECT 1', values: [] });").length, 2);
    assert.equal(sqlFindings('http/x.ts', 'const q = `INSERT INTO users (id) VALUES ($1)`;').length, 1);
    assert.equal(sqlFindings('store/user-store.ts', "await db('users').where({ id });").length, 0);
    assert.equal(sqlFindings('app-model/app-model-store.ts', "await db('app_users');").length, 0);
    assert.equal(sqlFindings('app-model/app-model-batch.ts', "await trx.raw('x');").length, 1);
  });
});
