/**
 * The CI variant of `npm run chaos` (docs/chaos.md): every fault scenario, for real
 * (child processes, a private redis-server, the PostgreSQL proxy, a webhook outage),
 * with 300 users per scenario and a short webhook outage. Set CHAOS_USERS to change
 * the size, CHAOS_SKIP=1 to skip it on a machine without redis-server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, type ChaosOptions } from '../../chaos/run-chaos';
import { SCENARIOS } from '../../chaos/faults';

const users = Number(process.env['CHAOS_USERS'] ?? 300);
const options: ChaosOptions = {
  users,
  groups: 4,
  lanes: 16,
  scenarios: [...SCENARIOS],
  outage: { refusedMs: 5000, errorMs: 5000, throttleMs: 5000, retryAfterSeconds: 2 },
  convergeTimeoutMs: 60_000,
  keepOnFailure: true,
  log: (line) => {
    if (process.env['CHAOS_VERBOSE']) process.stdout.write(`${line}\n`);
  },
};

describe(`chaos (CI variant, ${users} users per scenario): nothing lost, nothing applied twice`, { skip: process.env['CHAOS_SKIP'] === '1' }, () => {
  for (const scenario of SCENARIOS) {
    it(scenario, { timeout: 150_000 }, async () => {
      const result = await runScenario(scenario, options);
      const failed = result.checks.filter((c) => !c.ok).map((c) => c.what);
      assert.deepEqual(failed, [], `${scenario} (logs ${result.logDir})`);
      assert.equal(result.counts['users'], users);
      assert.ok(result.checks.length > 25, 'every check ran');
    });
  }
});
