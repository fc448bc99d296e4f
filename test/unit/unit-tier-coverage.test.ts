/**
 * The unit tier's own guard (README "Tests"). test/unit mirrors src/: the unit test of
 * src/a/b/c.ts is test/unit/a/b/c.test.ts (more files for the same module may be named
 * c.<aspect>.test.ts). This file fails, naming the modules, when
 *  - a pure module of src/ has no mirrored test (pure: it needs no PostgreSQL or Redis to run,
 *    see test/support/module-graph.ts for how that is read from the imports),
 *  - a test under test/unit has no src module of that name,
 *  - a test under test/unit loads PostgreSQL or Redis code (or the integration test env).
 * Modules with types only (nothing left after compilation) need no test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, IMPURE_FILES, impurityChains, isImpurePackage, readModule, readModules, type ModuleInfo } from '../support/module-graph';

const GUARD = 'test/unit/unit-tier-coverage.test.ts';
const src = readModules('src');
const impure = impurityChains(src);
const unitTests = [...readModules('test/unit').values()].filter((m) => m.file.endsWith('.test.ts'));

/** `test/unit/a/b/c.test.ts` and `test/unit/a/b/c.aspect.test.ts` -> `src/a/b/c.ts`. */
function moduleUnderTest(testFile: string): string {
  const inner = testFile.slice('test/unit/'.length, -'.test.ts'.length);
  const dir = path.posix.dirname(inner);
  const base = path.posix.basename(inner).split('.')[0]!;
  return `src/${dir === '.' ? '' : `${dir}/`}${base}.ts`;
}

const helpers = new Map<string, ModuleInfo>();
/** A test helper (test/support/...) read once, however many unit tests import it. */
function helperModule(file: string): ModuleInfo | undefined {
  if (!helpers.has(file) && fs.existsSync(path.join(ROOT, file))) helpers.set(file, readModule(path.join(ROOT, file)));
  return helpers.get(file);
}

describe('unit tier coverage (test/unit mirrors src/)', () => {
  it('finds the modules it reasons about', () => {
    // A broken reader would find nothing pure and pass every check below vacuously.
    assert.ok(src.size > 50, `read ${src.size} modules under src/`);
    for (const known of ['src/scim/scim-error.ts', 'src/http/scim/strip-passwords.ts', 'src/queue/scim-reply.ts', 'src/provisioning/write-context.ts']) {
      assert.ok(src.has(known) && !impure.has(known), `${known} should be read as pure`);
    }
    // Impure: the handle itself, a store built on it, Redis, wiring, and code that takes a handle it is given.
    for (const known of ['src/store/db.ts', 'src/store/user-store.ts', 'src/queue/redis-connection.ts', 'src/main/web-runtime.ts', 'src/ops/rate-limiter.ts', 'src/provisioning/user-commands.ts']) {
      assert.ok(impure.has(known), `${known} should be read as impure`);
    }
    // Types only: nothing to test.
    for (const known of ['src/scim/write-outcome.ts', 'src/http/portal/portal-deps.ts']) {
      assert.equal(src.get(known)?.hasRuntimeCode, false, `${known} should be read as types only`);
    }
  });

  it('every pure module in src/ has its own unit test file', () => {
    const missing = [...src.values()]
      .filter((m) => m.hasRuntimeCode && !impure.has(m.file))
      .map((m) => m.file)
      .filter((file) => !fs.existsSync(path.join(ROOT, file.replace(/^src\//, 'test/unit/').replace(/\.ts$/, '.test.ts'))));
    if (missing.length) assert.fail(
      `${missing.length} pure modules without a unit test (write test/unit/<same path>.test.ts; or, if the module really needs PostgreSQL or Redis, make that visible in its imports):\n  ${missing.map((f) => `${f}  ->  ${f.replace(/^src\//, 'test/unit/').replace(/\.ts$/, '.test.ts')}`).join('\n  ')}`);
  });

  it('every unit test file mirrors a module that exists in src/', () => {
    const orphans = unitTests
      .map((t) => t.file)
      .filter((f) => f !== GUARD)
      .filter((f) => !fs.existsSync(path.join(ROOT, moduleUnderTest(f))))
      .map((f) => `${f} (no ${moduleUnderTest(f)})`);
    if (orphans.length) assert.fail(`unit tests whose src module does not exist (moved or deleted? move the test along):\n  ${orphans.join('\n  ')}`);
  });

  it('no unit test loads PostgreSQL or Redis code, or the integration test env', () => {
    const forbidden = (file: string): boolean => IMPURE_FILES.includes(file) || file === 'test/support/test-env.ts';
    const offenders: string[] = [];
    for (const test of unitTests) {
      // Runtime imports only, followed through src/ and test/ helpers alike.
      const seen = new Set<string>([test.file]);
      const queue = [test];
      while (queue.length) {
        const m = queue.shift()!;
        const bad = m.packageImports.find(isImpurePackage) ?? m.localImports.find(forbidden);
        if (bad) {
          offenders.push(`${test.file} reaches ${bad} (through ${m.file})`);
          break;
        }
        for (const dep of m.localImports) {
          if (seen.has(dep)) continue;
          seen.add(dep);
          const info = src.get(dep) ?? helperModule(dep);
          if (info) queue.push(info);
        }
      }
    }
    if (offenders.length) assert.fail(`unit tests must not need PostgreSQL or Redis; move these to an integration folder:\n  ${offenders.join('\n  ')}`);
  });

  it('runs with the databases out of reach (scripts/test.sh unit)', () => {
    // The runner points both URLs at a closed port, so a unit test that connects fails loudly.
    if (process.env['DIRSYNC_UNIT_TIER'] !== '1') return;
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'TEST_PG_URL', 'TEST_REDIS_URL']) {
      assert.match(process.env[name] ?? '', /127\.0\.0\.1:9\b/, `${name} must point at the closed port during the unit run`);
    }
  });
});
