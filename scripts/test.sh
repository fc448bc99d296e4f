#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, lint, then every test file under test/
# with node's test runner (tsx loads TypeScript). `npm test -- unit` runs test/scim and test/unit.
set -euo pipefail
cd "$(dirname "$0")/.."
scope="${1:-all}"

# The Admin Portal browser test (test/browser) drives Debian's Chromium at /usr/bin/chromium
# through playwright-core. It is never skipped: install it when we can (root with apt-get),
# otherwise stop now with one message rather than fail minutes later.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "npm test: installing Debian's chromium for the Admin Portal browser test (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x /usr/bin/chromium ] && return 0
    echo "npm test: apt-get installed chromium but /usr/bin/chromium is still missing" >&2
    exit 1
  fi
  echo "npm test: Chromium is missing: the Admin Portal browser test needs /usr/bin/chromium. Install it (Debian/Ubuntu: sudo apt-get install chromium), then run npm test again." >&2
  exit 1
}

if [ "$scope" = unit ]; then
  files=$(find test/scim test/unit -name '*.test.ts' | sort)
else
  ensure_chromium
  npx tsc --noEmit -p .
  # Lint catches bug classes the compiler does not (floating promises, misused promises).
  npx eslint src test bench scripts chaos migrations knexfile.ts
  # Import direction: no cycles, no upward or sibling imports (layers in .dependency-cruiser.cjs).
  npx depcruise src --config .dependency-cruiser.cjs --output-type err
  files=$(find test -name '*.test.ts' | sort)
fi
echo "npm test: node $(node --version)"
# One file at a time: each starts its own web+worker runtime, database and Redis prefix.
# --test-force-exit: a leaked handle in one file must not hang the whole run (each file still reports its own failures).
exec node --import tsx --test --test-concurrency=1 --test-force-exit --test-reporter=spec $files
