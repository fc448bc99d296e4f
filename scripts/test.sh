#!/usr/bin/env bash
# The README's test command (`npm test`): type-check, lint, import direction, then the unit tier
# (test/unit: no PostgreSQL, no Redis, one process, seconds), then every integration file (the rest
# of test/, each against the real PostgreSQL and Redis). `npm run test:unit` (`scripts/test.sh unit`)
# runs the unit tier alone.
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

# The unit tier: every test/unit/**/*.test.ts in ONE process (test/support/run-unit-tier.ts), because
# a process per file pays tsx's start-up each time and took longer than the tests. The database
# and Redis URLs point at a closed port: a unit test that tries to connect fails instead of
# quietly using the developer's services (test/unit/unit-tier-coverage.test.ts checks this too).
run_unit() {
  echo "npm test: unit tier (test/unit, no PostgreSQL or Redis)"
  DIRSYNC_UNIT_TIER=1 \
    DATABASE_URL=postgres://unit-tier@127.0.0.1:9/none REDIS_URL=redis://127.0.0.1:9 \
    TEST_PG_URL=postgres://unit-tier@127.0.0.1:9 TEST_REDIS_URL=redis://127.0.0.1:9 \
    node --import tsx --test --test-force-exit --test-reporter=spec test/support/run-unit-tier.ts
}

echo "npm test: node $(node --version)"
if [ "$scope" = unit ]; then
  run_unit
  exit 0
fi

ensure_chromium
npx tsc --noEmit -p .
# Lint catches bug classes the compiler does not (floating promises, misused promises).
npx eslint src test bench scripts chaos migrations knexfile.ts
# Import direction: no cycles, no upward or sibling imports (layers in .dependency-cruiser.cjs).
npx depcruise src --config .dependency-cruiser.cjs --output-type err
# Unit tier first: it fails in seconds where the integration files take minutes.
run_unit
files=$(find test -name '*.test.ts' -not -path 'test/unit/*' | sort)
echo "npm test: integration tests (PostgreSQL and Redis)"
# One file at a time: each starts its own web+worker runtime, database and Redis prefix.
# --test-force-exit: a leaked handle in one file must not hang the whole run (each file still reports its own failures).
exec node --import tsx --test --test-concurrency=1 --test-force-exit --test-reporter=spec $files
