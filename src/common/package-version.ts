import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version in package.json, found by walking up from this file: src/cli/ from
 * source, dist/src/cli/ once built (package.json is not compiled into dist/).
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'dirsync' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
