import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageVersion } from '../../../src/common/package-version';

describe('packageVersion', () => {
  it("finds dirsync's own package.json by walking up from the module", () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    assert.equal(packageVersion(), pkg.version);
    assert.equal(packageVersion(path.resolve(__dirname, '../../../src/cli/commands')), pkg.version);
  });

  it("skips a package.json that is not dirsync's and says 'unknown' at the root", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pkgver-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'other', version: '9.9.9' }));
      fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a', 'package.json'), '{ not json');
      assert.equal(packageVersion(path.join(dir, 'a', 'b')), 'unknown');
      fs.writeFileSync(path.join(dir, 'a', 'package.json'), JSON.stringify({ name: 'dirsync', version: '1.2.3' }));
      assert.equal(packageVersion(path.join(dir, 'a', 'b')), '1.2.3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
