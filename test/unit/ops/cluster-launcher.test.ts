import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { pino } from 'pino';
import { followClusterPrimary, runClusterPrimary, shouldFork } from '../../../src/ops/cluster-launcher';

describe('shouldFork', () => {
  it('forks only in the primary and only for WEB_CONCURRENCY > 1', () => {
    assert.equal(cluster.isPrimary, true);
    assert.equal(shouldFork(1), false);
    assert.equal(shouldFork(0), false);
    assert.equal(shouldFork(2), true);
  });
});

describe('followClusterPrimary', () => {
  it('leaves the signals alone outside a forked web process', () => {
    const before = process.listeners('SIGTERM').length;
    let called = false;
    followClusterPrimary(async () => void (called = true));
    assert.equal(process.listeners('SIGTERM').length, before);
    assert.equal(called, false);
  });
});

// runClusterPrimary forks, listens to cluster and process events and exits: fork and exit are
// replaced, fake workers stand in for processes, and every listener it adds is removed afterwards.
describe('runClusterPrimary', () => {
  interface FakeWorker {
    id: number;
    sent: unknown[];
    killed: string[];
  }
  let fakes: FakeWorker[];
  let exits: number[];
  let saved: Map<string | symbol, unknown[]>;
  const emitters = (): [NodeJS.EventEmitter, string[]][] => [
    [process as NodeJS.EventEmitter, ['SIGTERM', 'SIGINT']],
    [cluster as unknown as NodeJS.EventEmitter, ['exit', 'message']],
  ];
  beforeEach(() => {
    fakes = [];
    exits = [];
    saved = new Map();
    for (const [emitter, events] of emitters()) for (const e of events) saved.set(`${emitter === process ? 'p' : 'c'}:${e}`, emitter.listeners(e));
    // The replaced exit returns, so code after a real exit's point of no return also runs: tests
    // assert the first exit and its code, not how many calls follow it.
    mock.method(process, 'exit', (code?: number) => void exits.push(code ?? 0));
    mock.method(cluster, 'fork', () => {
      const fake: FakeWorker = { id: fakes.length + 1, sent: [], killed: [] };
      fakes.push(fake);
      const worker = { id: 10_000 + fake.id, process: { pid: 10_000 + fake.id, kill: (s: string) => void fake.killed.push(s) }, isConnected: () => true, send: (m: unknown) => void fake.sent.push(m) };
      (cluster.workers as Record<string, unknown>)[String(worker.id)] = worker;
      return worker as unknown as Worker;
    });
  });
  afterEach(() => {
    for (const [emitter, events] of emitters()) {
      for (const e of events) {
        const before = saved.get(`${emitter === process ? 'p' : 'c'}:${e}`) ?? [];
        for (const l of emitter.listeners(e)) if (!before.includes(l)) emitter.off(e, l as () => void);
      }
    }
    for (const id of Object.keys(cluster.workers ?? {})) if (Number(id) > 10_000) delete (cluster.workers as Record<string, unknown>)[id];
    mock.restoreAll();
  });
  const log = pino({ level: 'silent' });
  const added = (event: 'SIGTERM' | 'SIGINT') => process.listeners(event).filter((l) => !(saved.get(`p:${event}`) ?? []).includes(l)) as (() => void)[];
  const workerOf = (fake: FakeWorker) => (cluster.workers as Record<string, Worker>)[String(10_000 + fake.id)]!;

  it('forks the requested number of processes and restarts one that dies', () => {
    runClusterPrimary(3, log, 1000);
    assert.equal(fakes.length, 3);
    cluster.emit('exit', workerOf(fakes[0]!), 1, null);
    assert.equal(fakes.length, 4);
    assert.deepEqual(exits, []);
  });

  it('gives up (exit 1) when processes keep dying', () => {
    runClusterPrimary(1, log, 1000);
    for (let i = 0; i < 11; i++) cluster.emit('exit', workerOf(fakes[0]!), 1, null);
    assert.deepEqual(exits.slice(0, 1), [1]);
  });

  // The shutdown budget timer of a stop fires (into the replaced exit) before each such test ends.
  const budgetElapsed = () => new Promise((r) => setTimeout(r, 40));

  it('on the first signal asks every process to shut down; on the second kills them', async () => {
    runClusterPrimary(2, log, 10);
    const [term] = added('SIGTERM');
    const [int] = added('SIGINT');
    term!();
    for (const f of fakes) assert.deepEqual(f.sent, [{ type: 'dirsync:shutdown' }]);
    assert.deepEqual(exits, []);
    int!();
    for (const f of fakes) assert.deepEqual(f.killed, ['SIGKILL']);
    assert.deepEqual(exits, [1]);
    await budgetElapsed();
    assert.ok(exits.length >= 2 && exits.every((c) => c === 1), `the shutdown budget also ends in exit 1 (got ${exits.join(',')})`);
  });

  it('while stopping, exits 0 once the last process is gone instead of restarting it', async () => {
    runClusterPrimary(1, log, 10);
    added('SIGTERM')[0]!();
    const w = workerOf(fakes[0]!);
    delete (cluster.workers as Record<string, unknown>)[String(w.id)];
    cluster.emit('exit', w, 0, null);
    assert.equal(fakes.length, 1, 'no restart');
    assert.deepEqual(exits, [0]);
    await budgetElapsed();
  });
});
