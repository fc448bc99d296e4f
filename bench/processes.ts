import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * How a script runs: a compiled `.js` file exactly as the Procfile runs it (plain node,
 * `--max-semi-space-size=2`), a `.ts` file through tsx (bench helpers like the baseline).
 */
export function nodeArgs(script: string): string[] {
  return script.endsWith('.js') ? [`--max-semi-space-size=${process.env['BENCH_SEMI_SPACE'] ?? '2'}`, script] : ['--import', 'tsx', script];
}

/** A child Node process, started as the Procfile starts it. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Highest VmHWM seen (bytes): the kernel's own peak RSS for the process. */
  peakRss(): number;
  stop(): Promise<void>;
}

const live = new Set<ServiceProcess>();

/** Peak resident set (VmHWM) of a pid in bytes, or 0 when it is gone. */
export function readPeakRss(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Spawns node on `script` (see nodeArgs) with its own environment; stdout and stderr go to a log file. */
export function startService(name: string, script: string, env: Record<string, string>, logDir: string): ServiceProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  // BENCH_CPU_PROF=1 writes a V8 CPU profile per child into the log directory (profiling, req 2).
  const prof = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logDir, name)}`] : [];
  const child = spawn(process.execPath, [...prof, ...nodeArgs(script)], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let peak = 0;
  // VmHWM is already a peak; polling only keeps the last value after the process exits.
  const sampler = setInterval(() => (peak = Math.max(peak, readPeakRss(child.pid))), 250);
  sampler.unref();
  const proc: ServiceProcess = {
    name,
    child,
    logFile,
    peakRss: () => (peak = Math.max(peak, readPeakRss(child.pid))),
    async stop() {
      clearInterval(sampler);
      live.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(proc);
  return proc;
}

/** Kills every child still running, synchronously (for process 'exit'). */
export function killAllSync(): void {
  for (const p of live) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
  live.clear();
}

/** Polls a URL until it answers 200, or fails after `timeoutMs` (also when the child died). */
export async function waitForHttp(url: string, proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}; see ${proc.logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms; see ${proc.logFile}`);
}

/** Waits for a line in a log file (the worker has no HTTP port). */
export async function waitForLog(proc: ServiceProcess, needle: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}; see ${proc.logFile}`);
    if (fs.readFileSync(proc.logFile, 'utf8').includes(needle)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} did not log "${needle}" within ${timeoutMs} ms; see ${proc.logFile}`);
}

/** Runs a script to completion (e.g. the release phase); rejects on a non-zero exit. */
export async function runToCompletion(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(script), { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}
