#!/usr/bin/env bash
# `npm run build` (Heroku's Node buildpack runs it before pruning devDependencies):
# tsc compiles src/, migrations/ and knexfile.ts into dist/, then the portal's static
# assets are copied next to the compiled router, so the Procfile runs plain `node dist/…`.
# `scripts/build.sh <dir>` builds into another directory (test/build checks a fresh build).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
rm -rf "$out"
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out"
mkdir -p "$out/src/http/portal"
cp -R src/http/portal/assets "$out/src/http/portal/assets"
echo "built $out/ ($(find "$out" -name '*.js' | wc -l) files)"
