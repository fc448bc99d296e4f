/**
 * Issue 12 requirement 7: the configuration schema (src/config/config.ts) is the truth;
 * docs/configuration.md, .env.example and app.json must agree with it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnvSchema, loadConfig } from '../../../src/config/config';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Each variable with its default as text (`undefined`: optional, no default). */
const schema = new Map<string, string | undefined>(
  Object.entries(EnvSchema.shape).map(([name, field]) => {
    if (field instanceof z.ZodDefault) return [name, String((field as z.ZodDefault).def.defaultValue)];
    assert.ok(field instanceof z.ZodOptional, `${name} is neither defaulted nor optional`);
    return [name, undefined];
  }),
);

function docsTable(): Map<string, { default: string; meaning: string }> {
  const rows = new Map<string, { default: string; meaning: string }>();
  for (const line of read('docs/configuration.md').split('\n')) {
    const m = /^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \| (.*) \|$/.exec(line);
    if (m) rows.set(m[1]!, { default: m[2]!, meaning: m[3]! });
  }
  return rows;
}

describe('configuration: docs, .env.example and app.json match the schema', () => {
  it('docs/configuration.md has one row per variable, no more', () => {
    assert.deepEqual([...docsTable().keys()].sort(), [...schema.keys()].sort());
  });

  it("each row shows the code's default (`value`), or (unset…) for a variable without one", () => {
    for (const [name, row] of docsTable()) {
      const expected = schema.get(name);
      if (expected === undefined) assert.match(row.default, /^\(unset/, `${name}: no default in the code, the docs say ${row.default}`);
      else assert.equal(row.default, `\`${expected}\``, `${name}: the code's default is ${expected}`);
      assert.ok(row.meaning.length > 10, `${name}: meaning missing`);
    }
  });

  it('.env.example lists every variable (commented out, with the default where there is one), no more', () => {
    const listed = new Map<string, string>();
    for (const line of read('.env.example').split('\n')) {
      const m = /^#? ?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (m) listed.set(m[1]!, m[2]!);
    }
    assert.deepEqual([...listed.keys()].sort(), [...schema.keys()].sort());
    for (const [name, value] of listed) assert.equal(value, schema.get(name) ?? '', `${name} in .env.example`);
  });

  it('app.json names only real variables, generates every secret production needs, and its values load in production', () => {
    const app = JSON.parse(read('app.json')) as { env: Record<string, { value?: string; generator?: string }> };
    for (const name of Object.keys(app.env)) assert.ok(schema.has(name), `app.json sets ${name}, which the code does not read`);
    for (const secret of ['ADMIN_API_KEY', 'PORTAL_SECRET', 'DELIVERY_SECRET_KEY']) {
      assert.equal(app.env[secret]?.generator, 'secret', `app.json must generate ${secret}`);
    }
    // Heroku's generator makes 64 hex characters; Heroku Postgres and Redis add their URLs.
    const env: Record<string, string> = { DATABASE_URL: 'postgres://u:p@db.example.com:5432/d', REDIS_URL: 'rediss://:p@redis.example.com:6380', DYNO: 'web.1' };
    for (const [name, spec] of Object.entries(app.env)) env[name] = spec.generator === 'secret' ? 'a'.repeat(64) : (spec.value ?? '');
    const config = loadConfig(env);
    assert.equal(config.env, 'production');
    assert.equal(config.trustProxy, 1, 'Heroku: one trusted hop');
    assert.ok(config.delivery.secretKey);
  });
});
