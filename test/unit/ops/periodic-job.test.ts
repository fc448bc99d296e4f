import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { PeriodicJob } from '../../../src/ops/periodic-job';

const warnings: string[] = [];
const log = { warn: (_o: unknown, msg: string) => void warnings.push(msg) } as unknown as Logger;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Counter extends PeriodicJob<number> {
  runs = 0;
  failNext = false;
  constructor(private readonly ms = 20) {
    super(log, 'counter failed');
  }
  protected async run(): Promise<number> {
    this.runs++;
    await sleep(this.ms);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('boom');
    }
    return this.runs;
  }
  get isStopped(): boolean {
    return this.stopped;
  }
}

describe('PeriodicJob', () => {
  it('runs never overlap: concurrent runOnce calls share one run', async () => {
    const job = new Counter();
    const [a, b] = await Promise.all([job.runOnce(), job.runOnce()]);
    assert.equal(a, 1);
    assert.equal(b, 1);
    assert.equal(job.runs, 1);
    assert.equal(await job.runOnce(), 2, 'a later call starts a new run');
  });

  it('runs on its timer, logs a failure and retries on the next tick, and stops on close', async () => {
    warnings.length = 0;
    const job = new Counter(1);
    job.failNext = true;
    job.start(10, 0);
    await sleep(120);
    await job.close();
    assert.ok(job.runs >= 3, `ran ${job.runs} times`);
    assert.deepEqual(warnings.slice(0, 1), ['counter failed']);
    assert.equal(job.isStopped, true);
    const after = job.runs;
    await sleep(40);
    assert.equal(job.runs, after, 'no run after close');
  });

  it('close waits for a running run', async () => {
    const job = new Counter(50);
    const run = job.runOnce();
    const t0 = Date.now();
    await job.close();
    assert.ok(Date.now() - t0 >= 40, 'close returned before the run ended');
    assert.equal(await run, 1);
  });
});
