import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServiceProcess {
  name: string;
  entry: 'web' | 'worker';
  proc: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/**
 * The service as in production: `node --import tsx src/main/<entry>.ts` children
 * (the Procfile's web and worker), stdout+stderr appended to one log file each,
 * so the run can grep them for secrets afterwards.
 */
export class Service {
  readonly processes = new Map<string, ServiceProcess>();

  constructor(
    private readonly env: Record<string, string>,
    readonly logDir: string,
  ) {}

  /** `npm run release` equivalent: migrate the fresh database; resolves when it exits 0. */
  async release(): Promise<void> {
    const logFile = path.join(this.logDir, 'release.log');
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main/release.ts'], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    if (code !== 0) throw new Error(`release exited ${code} (see ${logFile})`);
  }

  spawn(name: string, entry: 'web' | 'worker', extra: Record<string, string> = {}): ServiceProcess {
    const logFile = path.join(this.logDir, `${name}.log`);
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(process.execPath, ['--import', 'tsx', `src/main/${entry}.ts`], { cwd: ROOT, env: { ...process.env, ...this.env, ...extra }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const p: ServiceProcess = { name, entry, proc, logFile, exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))) };
    this.processes.set(name, p);
    return p;
  }

  /** SIGKILL: no graceful shutdown, active jobs are cut off mid-way. */
  async kill9(name: string): Promise<void> {
    const p = this.processes.get(name);
    if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
    p.proc.kill('SIGKILL');
    await p.exited;
  }

  /** Starts a process of the same name and role again (after kill9). */
  restart(name: string): ServiceProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`unknown process ${name}`);
    return this.spawn(name, p.entry);
  }

  async waitReady(baseUrl: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if ((await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)) === 200) return;
      for (const p of this.processes.values()) if (p.proc.exitCode !== null) throw new Error(`${p.name} exited ${p.proc.exitCode} during start-up (see ${p.logFile})`);
      await sleep(250);
    }
    throw new Error(`service not ready at ${baseUrl} after ${timeoutMs} ms (logs in ${this.logDir})`);
  }

  /** SIGTERM everything; returns the exit codes (a process that needs SIGKILL after 30 s reports 'killed'). */
  async stop(): Promise<Record<string, number | null | 'killed'>> {
    const codes: Record<string, number | null | 'killed'> = {};
    const live = [...this.processes.values()].filter((p) => p.proc.exitCode === null && p.proc.signalCode === null);
    for (const p of live) p.proc.kill('SIGTERM');
    await Promise.all(
      live.map(async (p) => {
        const code = await Promise.race([p.exited, sleep(30_000).then(() => 'timeout' as const)]);
        if (code === 'timeout') {
          p.proc.kill('SIGKILL');
          codes[p.name] = 'killed';
        } else codes[p.name] = code;
      }),
    );
    return codes;
  }

  /** Every log line the children wrote (for the secret grep). */
  readLogs(): string {
    return fs
      .readdirSync(this.logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => fs.readFileSync(path.join(this.logDir, f), 'utf8'))
      .join('\n');
  }
}
