import fs from 'node:fs';
import os from 'node:os';
import type { LoadResult } from './closed-loop';
import type { LargeGroupResult, PageWalk } from './scenarios';

export interface MachineFacts {
  date: string;
  command: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGb: number;
}

export function machineFacts(command: string): MachineFacts {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return { date: new Date().toISOString(), command, node: process.version, cpu, cores: os.cpus().length, memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10 };
}

export interface TargetCheck {
  name: string;
  measured: string;
  pass: boolean | undefined;
}

export interface BenchReport {
  facts: MachineFacts;
  quick: boolean;
  importRuns: { connections: number; dirsync: LoadResult; baseline?: LoadResult }[];
  steady: LoadResult[];
  /** The baseline's steady mix at the same levels (same run). */
  steadyBaseline: LoadResult[];
  /** Cost per imported user (SQL statements, Redis commands, CPU), from a fixed counted import. */
  cost?: string[];
  /** The same import spread over many directories (16 connections in all). */
  manyTenants?: { directories: number; run: LoadResult; singleRps: number; redisKeys: number; redisKeysBefore: number };
  lookups: LoadResult[];
  /** The no-queue baseline's lookups on the same rows, same run (level by level with `lookups`). */
  lookupsBaseline: LoadResult[];
  walk?: PageWalk;
  bigUsers: number;
  group?: LargeGroupResult;
  lag: string;
  /** Queue wait and apply time from the operation records of the import. */
  workerTimings?: string;
  rss: { web: number; worker: number };
  targets: TargetCheck[];
}

const f1 = (n: number) => n.toFixed(1);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

function loadRow(label: string, r: LoadResult, extra = ''): string {
  return `| ${label} | ${r.connections} | ${f1(r.rps)} | ${f1(r.iterationsPerSecond)} | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.p99)} | ${r.non2xx} / ${r.errors} | ${r.count} | ${extra} |`;
}
const LOAD_HEADER = '| run | conns | req/s | iter/s | p50 ms | p95 ms | p99 ms | non-2xx / errors | requests | note |\n|---|---|---|---|---|---|---|---|---|---|';

/** The generated markdown section (also printed to the console). */
export function renderReport(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`Generated ${r.facts.date}${r.quick ? ' (**quick smoke run: short phases, smaller data; not comparable with targets**)' : ''}.`);
  lines.push('');
  lines.push(`- Command: \`${r.facts.command}\``);
  lines.push(`- Node ${r.facts.node}; CPU ${r.facts.cpu}; ${r.facts.cores} cores; ${r.facts.memoryGb} GB RAM`);
  lines.push('- The service runs as production does: separate `web` and `worker` processes from the compiled build, started as the Procfile starts them (`node --max-semi-space-size=2 dist/src/main/{web,worker}.js`, NODE_ENV=production, LOG_LEVEL=info to a file), a fresh database migrated by the compiled `release` (`dist/src/main/release.js`), a fresh Redis prefix.');
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| target | measured | result |\n|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.measured} | ${t.pass === undefined ? 'n/a' : t.pass ? 'PASS' : 'FAIL'} |`);
  lines.push('');
  lines.push('### Initial import (lookup + POST /Users per user), dirsync vs the no-queue baseline');
  lines.push('');
  lines.push(LOAD_HEADER);
  for (const run of r.importRuns) {
    const ratio = run.baseline ? `${((run.dirsync.rps / run.baseline.rps) * 100).toFixed(0)} % of baseline` : '';
    lines.push(loadRow('dirsync', run.dirsync, ratio));
    if (run.baseline) lines.push(loadRow('baseline', run.baseline));
  }
  if (r.workerTimings) lines.push('', `Operation records of the import: ${r.workerTimings}.`);
  if (r.cost) {
    lines.push('', '### Cost per imported user (lookup + create)', '');
    for (const c of r.cost) lines.push(`- ${c}`);
  }
  if (r.manyTenants) {
    const m = r.manyTenants;
    lines.push('', `### Many tenants: the import spread over ${m.directories} directories (16 connections in all)`, '');
    lines.push(LOAD_HEADER);
    lines.push(loadRow(`${m.directories} directories`, m.run, `${((m.run.rps / m.singleRps) * 100).toFixed(0)} % of one directory`));
    lines.push('', `Redis keys under the bench prefix: ${m.redisKeysBefore} before, ${m.redisKeys} after, for ${m.directories} more directories. Bounded: the SCIM queue keeps at most 10,000 completed jobs (an hour), the reconcile scheduler keeps one key per directory, and delivery keeps none.`);
  }
  lines.push('');
  lines.push('### Steady state (GET+PUT, deactivate+reactivate, group add+remove)');
  lines.push('');
  lines.push(LOAD_HEADER);
  for (const [i, s] of r.steady.entries()) {
    const b = r.steadyBaseline[i];
    lines.push(loadRow('dirsync', s, b ? `${((s.rps / b.rps) * 100).toFixed(0)} % of baseline` : ''));
    if (b) lines.push(loadRow('baseline', b));
  }
  lines.push('');
  lines.push(`### Large directory (${r.bigUsers.toLocaleString('en-US')} users seeded by SQL)`);
  lines.push('');
  lines.push(LOAD_HEADER);
  r.lookups.forEach((l, i) => {
    const b = r.lookupsBaseline[i];
    lines.push(loadRow('userName lookup', l, b ? `${((l.rps / b.rps) * 100).toFixed(0)} % of baseline` : ''));
    if (b) lines.push(loadRow('baseline lookup', b));
  });
  if (r.walk) {
    lines.push('');
    lines.push(`Full page walk (count=100, one connection): **${(r.walk.ms / 1000).toFixed(1)} s** for ${r.walk.pages} pages, ${r.walk.users} distinct users of totalResults ${r.walk.totalResults} (${r.walk.consistent ? 'consistent' : 'INCONSISTENT'}); page p50 ${f1(r.walk.page.p50)} ms, p99 ${f1(r.walk.page.p99)} ms, max ${f1(r.walk.page.max)} ms.`);
  }
  if (r.group) {
    const g = r.group;
    lines.push('');
    lines.push(`### Large group (${g.members.toLocaleString('en-US')} members seeded by SQL)`);
    lines.push('');
    lines.push('| request | time | status |\n|---|---|---|');
    lines.push(`| PATCH add 1,000 members (one op, value list) | ${f1(g.addMs)} ms | ${g.addStatus} |`);
    lines.push(`| PATCH remove 1,000 members (Okta: 1,000 \`members[value eq …]\` ops) | ${f1(g.removeMs)} ms | ${g.removeStatus} |`);
    lines.push(`| PATCH remove 1,000 members (Entra: one op, value list) | ${f1(g.entraRemoveMs)} ms | ${g.entraRemoveStatus} |`);
    lines.push(`| GET group with members (${g.getWithMembers.count}×, ${(g.getWithMembers.bytes / 1024).toFixed(0)} KB) | p50 ${f1(g.getWithMembers.p50)} ms, max ${f1(g.getWithMembers.max)} ms | 200 |`);
    lines.push(`| GET group \`excludedAttributes=members\` (${g.getWithoutMembers.count}×) | p50 ${f1(g.getWithoutMembers.p50)} ms, max ${f1(g.getWithoutMembers.max)} ms | 200 |`);
  }
  lines.push('');
  lines.push('### Delivery lag and memory');
  lines.push('');
  lines.push(`- delivery lag: ${r.lag}`);
  lines.push(`- peak RSS (VmHWM): web ${mb(r.rss.web)}, worker ${mb(r.rss.worker)}`);
  return lines.join('\n');
}

const BEGIN = '<!-- bench:generated:begin (npm run bench overwrites this section) -->';
const END = '<!-- bench:generated:end -->';

/** Replaces the generated section of docs/benchmarks.md, keeping the hand-written intro. */
export function writeReport(file: string, section: string): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const intro = start >= 0 ? current.slice(0, start) : `${current.trimEnd()}\n\n`;
  const tail = start >= 0 && end > start ? current.slice(end + END.length) : '\n';
  fs.writeFileSync(file, `${intro}${BEGIN}\n${section}\n${END}${tail}`);
}
