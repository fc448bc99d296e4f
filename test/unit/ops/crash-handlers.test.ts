import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describeCrash, installCrashHandlers, redactText, setCrashDrain } from '../../../src/ops/crash-handlers';

describe('redactText', () => {
  it('removes tokens, credentials in URLs and secret query parameters', () => {
    assert.equal(redactText('Authorization: Bearer abc.def-123'), 'Authorization: Bearer [redacted]');
    assert.equal(redactText('basic dXNlcjpwYXNz'), 'basic [redacted]');
    assert.equal(redactText('token dsk_AbC-123_x leaked'), 'token dsk_[redacted] leaked');
    assert.equal(redactText('connect postgres://user:hunter2@db:5432/x failed'), 'connect postgres://user:[redacted]@db:5432/x failed');
    assert.equal(redactText('GET /x?token=abc&password=p&page=2'), 'GET /x?token=[redacted]&password=[redacted]&page=2');
    assert.equal(redactText('nothing secret here'), 'nothing secret here');
  });
});

describe('describeCrash', () => {
  it('keeps type, redacted message and stack of an Error', () => {
    const e = new TypeError('bad dsk_secret');
    const d = describeCrash(e);
    assert.equal(d.type, 'TypeError');
    assert.equal(d.message, 'bad dsk_[redacted]');
    assert.ok(d.stack && !d.stack.includes('dsk_secret'));
  });

  it('stringifies other reasons, bounded', () => {
    assert.deepEqual(describeCrash('Bearer xyz'), { type: 'string', message: 'Bearer [redacted]' });
    assert.equal(describeCrash('x'.repeat(5000)).message.length, 2000);
    assert.equal(describeCrash(undefined).type, 'undefined');
  });
});

describe('installCrashHandlers', () => {
  let before: { exc: unknown[]; rej: unknown[] };
  let exits: number[];
  const logged: string[] = [];
  beforeEach(() => {
    before = { exc: process.listeners('uncaughtException'), rej: process.listeners('unhandledRejection') };
    exits = [];
    mock.method(process, 'exit', (code?: number) => void exits.push(code ?? 0));
  });
  afterEach(() => {
    for (const l of process.listeners('uncaughtException')) if (!before.exc.includes(l)) process.off('uncaughtException', l as () => void);
    for (const l of process.listeners('unhandledRejection')) if (!before.rej.includes(l)) process.off('unhandledRejection', l as () => void);
    process.exitCode = undefined;
    mock.restoreAll();
  });

  it('logs the crash redacted, drains once, and exits 1', async () => {
    const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (logged.push(c.toString()), cb()) }));
    let drains = 0;
    setCrashDrain(async () => void drains++, log);
    // A short budget, so its timer also fires while process.exit is still replaced.
    installCrashHandlers('test', 20);
    const added = process.listeners('uncaughtException').filter((l) => !before.exc.includes(l));
    assert.equal(added.length, 1);
    (added[0] as (e: Error) => void)(new Error('boom with Bearer abc'));
    (added[0] as (e: Error) => void)(new Error('second'));
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(drains, 1);
    assert.ok(exits.length >= 1 && exits.every((c) => c === 1), `exit codes ${exits.join(',')}`);
    assert.equal(process.exitCode, 1);
    const text = logged.join('');
    assert.ok(text.includes('uncaughtException: draining, then exiting with 1'));
    assert.ok(text.includes('another failure while crashing'));
    assert.ok(!text.includes('Bearer abc'));
  });
});
