import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from '../../../src/common/semaphore';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order, and passes results and errors through', async () => {
    const sem = new Semaphore(2);
    const started: number[] = [];
    const release = new Map<number, () => void>();
    let peak = 0;
    const tasks = [1, 2, 3, 4].map((n) =>
      sem.run(async () => {
        started.push(n);
        peak = Math.max(peak, sem.active);
        await new Promise<void>((r) => release.set(n, r));
        if (n === 3) throw new Error('three');
        return n * 10;
      }),
    );
    await tick();
    assert.deepEqual(started, [1, 2]);
    release.get(2)?.();
    await tick();
    assert.deepEqual(started, [1, 2, 3]);
    release.get(1)?.();
    await tick();
    assert.deepEqual(started, [1, 2, 3, 4]);
    release.get(3)?.();
    release.get(4)?.();
    const results = await Promise.allSettled(tasks);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), [10, 20, 'three', 40]);
    assert.equal(peak, 2);
    assert.equal(sem.active, 0);
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new Semaphore(0), RangeError);
  });
});
