import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The import-direction check that `npm test` runs over src/ (dependency-cruiser with the
 * layers in .dependency-cruiser.cjs, before any test file) must FAIL on an upward import,
 * a sibling import, a type-only upward import, a cycle and an unlisted folder. These cases
 * run the same config over small trees written to a temporary directory.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

function cruise(cwd: string): { ok: boolean; output: string } {
  try {
    const out = execFileSync(BIN, ['src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: out };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsync-layers-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('import direction (dependency-cruiser layers)', () => {
  it('fails on an upward import (store → main)', () => {
    const r = cruise(tree({ 'src/store/a-store.ts': "import { b } from '../main/b';\nexport const a = b;\n", 'src/main/b.ts': 'export const b = 1;\n' }));
    assert.equal(r.ok, false);
    assert.match(r.output, /layer:store/);
  });

  it('fails on a type-only upward import (scim → store)', () => {
    const r = cruise(tree({ 'src/scim/a.ts': "import type { B } from '../store/b-store';\nexport type A = B;\n", 'src/store/b-store.ts': 'export interface B { x: number }\n' }));
    assert.equal(r.ok, false);
    assert.match(r.output, /layer:scim/);
  });

  it('fails on a sibling import between HTTP surfaces (portal → scim)', () => {
    const r = cruise(tree({ 'src/http/portal/a.ts': "import { b } from '../scim/b';\nexport const a = b;\n", 'src/http/scim/b.ts': 'export const b = 1;\n' }));
    assert.equal(r.ok, false);
    assert.match(r.output, /layer:http\/portal/);
  });

  it('fails on an import cycle inside one folder', () => {
    const r = cruise(tree({ 'src/scim/a.ts': "import { b } from './b';\nexport const a = () => b;\n", 'src/scim/b.ts': "import { a } from './a';\nexport const b = () => a;\n" }));
    assert.equal(r.ok, false);
    assert.match(r.output, /no-cycles/);
  });

  it('fails on a folder that is not in the layer list', () => {
    const r = cruise(tree({ 'src/misc/a.ts': "import { b } from '../config/b';\nexport const a = b;\n", 'src/config/b.ts': 'export const b = 1;\n' }));
    assert.equal(r.ok, false);
    assert.match(r.output, /unlisted-folder/);
  });
});
