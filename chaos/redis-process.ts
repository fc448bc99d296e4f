import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private redis-server on a loopback port, a child of the chaos run: the shared
 * Redis on 6379 is never flushed or restarted. No persistence (`--save ""`,
 * `--appendonly no`), so a kill -9 + restart comes back empty, like a wiped Redis.
 */
export class RedisProcess {
  private proc: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const out = fs.openSync(this.logFile, 'a');
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      cwd: path.dirname(this.logFile),
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const ok = await probe.connect().then(() => probe.ping(), () => undefined);
      probe.disconnect();
      if (ok === 'PONG') return;
      await sleep(100);
    }
    throw new Error(`redis-server on port ${this.port} did not start (see ${this.logFile})`);
  }

  /** SIGKILL (no shutdown, no save): every connection drops and the data is gone. */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  }

  async flushAll(): Promise<void> {
    const r = new Redis(this.url, { maxRetriesPerRequest: 3 });
    r.on('error', () => undefined);
    try {
      await r.flushall();
    } finally {
      r.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.kill9();
  }
}
