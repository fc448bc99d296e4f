/**
 * `npm run chaos` (docs/chaos.md): each fault scenario during an Okta-shaped import
 * against web + worker child processes, then the directory and the app user model
 * are compared with the client's model. Exits 1 on any discrepancy.
 *
 *   npm run chaos                              # 2,000 users per scenario, webhook down ~3 min
 *   npm run chaos -- --quick                   # 300 users, webhook down ~24 s
 *   npm run chaos -- --users 5000 --scenario redis-wipe,postgres-restart
 */
import { parseArgs } from 'node:util';
import { runChaos, summarise } from '../chaos/run-chaos';
import { SCENARIOS, type ScenarioName } from '../chaos/faults';

const { values } = parseArgs({
  options: {
    users: { type: 'string' },
    groups: { type: 'string' },
    lanes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    'outage-seconds': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const quick = values.quick ?? false;
const users = Number(values.users ?? (quick ? 300 : 2000));
const scenarios = (values.scenario ? values.scenario.split(',') : [...SCENARIOS]) as ScenarioName[];
const bad = scenarios.filter((s) => !SCENARIOS.includes(s));
if (bad.length || !Number.isInteger(users) || users < 10) {
  process.stderr.write(`usage: npm run chaos -- [--quick] [--users N>=10] [--groups N] [--lanes N] [--scenario ${SCENARIOS.join(',')}] [--outage-seconds S] [--keep]\n`);
  process.exit(2);
}
// Each phase of the webhook outage (refused, 500, 429): 60 s in the full run.
const phaseMs = Number(values['outage-seconds'] ?? (quick ? 8 : 60)) * 1000;
const started = Date.now();
runChaos({
  users,
  groups: Number(values.groups ?? Math.max(4, Math.round(users / 100))),
  lanes: Number(values.lanes ?? 16),
  scenarios,
  outage: { refusedMs: phaseMs, errorMs: phaseMs, throttleMs: phaseMs, retryAfterSeconds: quick ? 3 : 20 },
  convergeTimeoutMs: quick ? 90_000 : 300_000,
  keepOnFailure: values.keep ?? true,
  log: (line) => process.stdout.write(`${line}\n`),
}).then(
  ({ ok, results }) => {
    process.stdout.write(`${summarise(results)}\ntotal ${Math.round((Date.now() - started) / 1000)} s\n`);
    process.exit(ok ? 0 : 1);
  },
  (err: unknown) => {
    process.stderr.write(`chaos run crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
