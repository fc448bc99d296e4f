#!/usr/bin/env bash
# `npm run build` (Heroku's Node buildpack runs it before pruning devDependencies):
# tsc compiles src/, migrations/ and knexfile.ts into dist/, then the portal's static
# assets are copied next to the compiled router, so the Procfile runs plain `node dist/…`.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
tsc -p tsconfig.build.json
mkdir -p dist/src/portal
cp -R src/portal/assets dist/src/portal/assets
echo "built dist/ ($(find dist -name '*.js' | wc -l) files)"
