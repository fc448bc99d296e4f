import { randomInt } from 'node:crypto';
import { runFuzz } from '../test/fuzz/fuzz-engine';

/**
 * `npm run fuzz [-- --seed N] [-- --requests N]`: the seeded hostile-input run
 * of issues 6 and 9 across SCIM, the admin API, the portal and the ops endpoints
 * (default 50,000 requests, about 7 minutes). Prints the seed first so any failure
 * replays with `--seed`. Exits 1 on any violation or model difference.
 */
function argValue(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  if (eq) return eq.slice(name.length + 1);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const seed = Number(argValue('--seed') ?? randomInt(1, 2 ** 31 - 1));
  const requests = Number(argValue('--requests') ?? 50_000);
  if (!Number.isInteger(seed) || !Number.isInteger(requests) || requests < 1 || requests > 10_000_000) {
    process.stderr.write('usage: npm run fuzz -- [--seed <int>] [--requests <1..10000000>]\n');
    return 2;
  }
  process.stdout.write(`fuzz: seed ${seed}, ${requests} requests (replay: npm run fuzz -- --seed ${seed} --requests ${requests})\n`);
  const report = await runFuzz({ seed, requests, onProgress: (done, v) => process.stdout.write(`  ${done}/${requests} sent, ${v} violations\n`) });
  const counts = Object.entries(report.statuses).sort().map(([s, c]) => `${s}:${c}`).join(' ');
  process.stdout.write(`fuzz: ${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s; statuses ${counts}; ${report.accepted} writes accepted; model: ${report.users} users, ${report.groups} groups\n`);
  process.stdout.write(`fuzz: families ${Object.entries(report.families).sort().map(([f, c]) => `${f}:${c}`).join(' ')}\n`);
  for (const v of report.violations.slice(0, 50)) process.stdout.write(`VIOLATION #${v.index} [${v.label}] ${v.problem}: ${v.status} ${v.request}\n    → ${v.response}\n`);
  for (const p of report.modelProblems.slice(0, 50)) process.stdout.write(`MODEL: ${p}\n`);
  const failed = report.violations.length + report.modelProblems.length;
  const fiveXx = Object.entries(report.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
  process.stdout.write(`fuzz: ${fiveXx} responses 5xx, ${report.violations.length} violations, ${report.modelProblems.length} model differences, seed ${seed} → ${failed ? 'FAIL' : 'PASS'}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
