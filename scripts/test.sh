#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, lint, then every test file under test/
# with node's test runner (tsx loads TypeScript). `npm test -- unit` runs only test/scim.
set -euo pipefail
cd "$(dirname "$0")/.."
scope="${1:-all}"
if [ "$scope" = unit ]; then
  files=$(find test/scim -name '*.test.ts' | sort)
else
  npx tsc --noEmit -p .
  # Lint catches bug classes the compiler does not (floating promises, misused promises).
  npx eslint src test bench scripts chaos migrations knexfile.ts
  files=$(find test -name '*.test.ts' | sort)
fi
# One file at a time: each starts its own web+worker runtime, database and Redis prefix.
# --test-force-exit: a leaked handle in one file must not hang the whole run (each file still reports its own failures).
exec node --import tsx --test --test-concurrency=1 --test-force-exit --test-reporter=spec $files
