import fs from 'node:fs';

/** `tsx bench/summarise-profile.ts <file.cpuprofile> [top]`: self time by function and by package. */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: summarise-profile <file.cpuprofile> [top]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const total = profile.samples.length;
const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  if (!hits) continue;
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/src/') ? `src/${url.split('/src/')[1]?.split('/')[0]}` : url ? url.split('/').slice(-1)[0] : n.callFrame.functionName);
  const fn = `${n.callFrame.functionName || '(anon)'} ${url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
  byPkg.set(pkg ?? '?', (byPkg.get(pkg ?? '?') ?? 0) + hits);
}
const top = Number(topArg ?? 25);
const show = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
process.stdout.write(`${total} samples\n-- by package --\n${show(byPkg)}\n-- by function --\n${show(byFn)}\n`);
