// The unit tier in one process (scripts/test.sh unit): every test/unit/**/*.test.ts is imported
// here, so tsx and the module graph load once instead of once per file. With a process per file
// the tier took far longer than the tests themselves on a 2-core machine (see README "Tests").
// A file that fails to load becomes a failing test named after it; the rest still run.
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const UNIT = path.resolve(__dirname, '../unit');
// Loaded synchronously (tsx compiles them as CommonJS), so every test is registered before the run starts.
const load = createRequire(__filename);

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

for (const file of testFiles(UNIT)) {
  try {
    load(file);
  } catch (err) {
    test(`load ${path.relative(process.cwd(), file)}`, () => {
      throw err;
    });
  }
}
