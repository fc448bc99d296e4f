import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './fuzz-engine';

/**
 * The short fuzz run of `npm test` (issue 6 req 3): a fixed seed, so a failure
 * here replays exactly with `npm run fuzz -- --seed 20261128 --requests 500`.
 */
describe('hostile input (seeded fuzzer, short run)', () => {
  it('500 mutated Okta/Entra requests: no 5xx, only SCIM answers, database equals the accepted writes', { timeout: 60_000 }, async () => {
    const report = await runFuzz({ seed: 20261128, requests: 500, timeoutMs: 15_000 });
    const shown = report.violations.slice(0, 5).map((v) => `#${v.index} [${v.label}] ${v.problem}: ${v.status} ${v.request}`);
    assert.deepEqual(shown, [], `violations (seed ${report.seed})`);
    assert.deepEqual(report.modelProblems.slice(0, 5), [], `database differs from the model (seed ${report.seed})`);
    const fiveXx = Object.entries(report.statuses).filter(([s]) => Number(s) >= 500 || Number(s) <= 0);
    assert.deepEqual(fiveXx, []);
    // The run must have exercised the write path, not only been refused at the door.
    assert.ok(report.accepted >= 50, `only ${report.accepted} writes accepted`);
    assert.ok(Object.keys(report.statuses).some((s) => s.startsWith('4')));
  });
});
