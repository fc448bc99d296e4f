import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './fuzz-engine';

/**
 * The short fuzz run of `npm test` (issue 6 req 3): a fixed seed, so a failure
 * here replays exactly with `npm run fuzz -- --seed 20261128 --requests 800`.
 */
describe('hostile input (seeded fuzzer, short run)', () => {
  it('800 mutated requests (SCIM, admin, portal, ops): no 5xx, right answers, database equals the accepted writes', { timeout: 90_000 }, async () => {
    const report = await runFuzz({ seed: 20261128, requests: 800, timeoutMs: 15_000 });
    const shown = report.violations.slice(0, 5).map((v) => `#${v.index} [${v.label}] ${v.problem}: ${v.status} ${v.request}`);
    assert.deepEqual(shown, [], `violations (seed ${report.seed})`);
    assert.deepEqual(report.modelProblems.slice(0, 5), [], `database differs from the model (seed ${report.seed})`);
    const fiveXx = Object.entries(report.statuses).filter(([s]) => Number(s) >= 500 || Number(s) <= 0);
    assert.deepEqual(fiveXx, []);
    // The run must have exercised the write path, not only been refused at the door.
    assert.ok(report.accepted >= 50, `only ${report.accepted} writes accepted`);
    assert.ok(Object.keys(report.statuses).some((s) => s.startsWith('4')));
    // Every family of issue 9 is reached by this short run, not only by the long one.
    const families = ['filter.escape', 'filter.date', 'patch.escape-path', 'scim.spelling', 'admin.names', 'admin.sinks', 'admin.reads', 'portal.query', 'portal.cursor', 'portal.refused-post', 'ops', 'spelling.admin', 'spelling.portal', 'spelling.ops'];
    assert.deepEqual(families.filter((f) => !report.families[f]), [], 'families not reached');
  });
});
