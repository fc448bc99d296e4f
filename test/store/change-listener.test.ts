import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { ChangeListener, type ChangeChannel } from '../../src/store/change-listener';
import { createLogger } from '../../src/log/logger';

/** The caches trust the listener only while its heartbeat comes back (a pooler that eats notifications, a dead socket). */
describe('change listener: live only while notifications demonstrably flow', () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
  });
  after(async () => env.close());

  it('stays live with a working heartbeat and delivers trigger notifications', async () => {
    const seen: [ChangeChannel, string][] = [];
    let resyncs = 0;
    const listener = new ChangeListener(env.config, createLogger('silent', 't'), (c, p) => env.db.raw('SELECT pg_notify(?, ?)', [c, p]));
    listener.subscribe({ onChange: (c, p) => seen.push([c, p]), onResync: () => resyncs++ });
    await listener.start();
    try {
      assert.equal(listener.live, true);
      assert.equal(resyncs, 1, 'a resync on connect');
      const dir = await env.createDirectory();
      await sleep(3500);
      assert.equal(listener.live, true, 'heartbeats keep it live');
      assert.ok(seen.some(([c, p]) => c === 'dirsync_auth' && p === `dir:${dir.directoryId}`), 'the directory insert was notified');
    } finally {
      await listener.close();
    }
  });

  it('stops being live when heartbeats do not come back, and resyncs when they do', async () => {
    let deliver = false;
    let resyncs = 0;
    const listener = new ChangeListener(env.config, createLogger('silent', 't'), (c, p) => (deliver ? env.db.raw('SELECT pg_notify(?, ?)', [c, p]) : Promise.resolve()));
    listener.subscribe({ onChange: () => undefined, onResync: () => resyncs++ });
    await listener.start();
    try {
      assert.equal(listener.live, true);
      await sleep(3300);
      assert.equal(listener.live, false, 'no heartbeat back for 3 s: not trusted');
      deliver = true;
      const t0 = Date.now();
      while (!listener.live && Date.now() - t0 < 3000) await sleep(50);
      assert.equal(listener.live, true, 'heartbeats flow again');
      assert.equal(resyncs, 2, 'the caches start over after the lapse');
    } finally {
      await listener.close();
    }
  });
});
