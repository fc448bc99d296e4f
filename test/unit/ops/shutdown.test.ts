import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { installShutdown } from '../../../src/ops/shutdown';

// installShutdown adds SIGTERM/SIGINT listeners and exits the process: the listeners it adds are
// removed after each test and process.exit is replaced, so the shared unit-tier process lives on.
describe('installShutdown', () => {
  let before: { term: unknown[]; int: unknown[] };
  let exits: number[];
  beforeEach(() => {
    before = { term: process.listeners('SIGTERM'), int: process.listeners('SIGINT') };
    exits = [];
    mock.method(process, 'exit', (code?: number) => void exits.push(code ?? 0));
  });
  afterEach(() => {
    for (const l of process.listeners('SIGTERM')) if (!before.term.includes(l)) process.off('SIGTERM', l as () => void);
    for (const l of process.listeners('SIGINT')) if (!before.int.includes(l)) process.off('SIGINT', l as () => void);
    mock.restoreAll();
  });
  const log = pino({ level: 'silent' });

  it('runs the closers in order, keeps going past a failing one, and exits 0', async () => {
    const order: string[] = [];
    const shutdown = installShutdown(log, [
      { name: 'http', close: async () => void order.push('http') },
      { name: 'broken', close: () => Promise.reject(new Error('x')) },
      { name: 'db', close: async () => void order.push('db') },
    ]);
    await shutdown();
    assert.deepEqual(order, ['http', 'db']);
    assert.deepEqual(exits, [0]);
  });

  it('listens for SIGTERM and SIGINT; a second signal exits 1 at once', async () => {
    let release!: () => void;
    installShutdown(log, [{ name: 'slow', close: () => new Promise<void>((r) => (release = r)) }]);
    const term = process.listeners('SIGTERM').filter((l) => !before.term.includes(l));
    const int = process.listeners('SIGINT').filter((l) => !before.int.includes(l));
    assert.equal(term.length, 1);
    assert.equal(int.length, 1);
    (term[0] as () => void)();
    await new Promise((r) => setImmediate(r));
    (int[0] as () => void)();
    assert.deepEqual(exits, [1]);
    release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits, [1, 0]);
  });

  it('exits 1 when the closers outlast the budget', async () => {
    const shutdown = installShutdown(log, [{ name: 'stuck', close: () => new Promise<void>(() => {}) }], 30);
    void shutdown();
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(exits, [1]);
  });
});
