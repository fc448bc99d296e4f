import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayMarkerIndex } from '../../../src/queue/replay-marker-index';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('replay-marker index: answers "no marker" only when it knows', () => {
  it('says maybe until loaded, then no for unknown keys and yes for loaded or notified ones', async () => {
    let live = true;
    const load = deferred<string[]>();
    const index = new ReplayMarkerIndex({ loadAll: () => load.promise, live: () => live });
    assert.equal(index.mightHave('d', 'f1'), true, 'not loaded yet: ask PostgreSQL');
    index.onResync();
    index.onChange('dirsync_replay', 'd:f2'); // arrives while loading
    load.resolve(['d:f1']);
    await index.ready();
    assert.equal(index.mightHave('d', 'f1'), true);
    assert.equal(index.mightHave('d', 'f2'), true, 'notified during the load is kept');
    assert.equal(index.mightHave('d', 'other'), false, 'the happy path: no query');
    index.onChange('dirsync_replay', 'd:f3');
    assert.equal(index.mightHave('d', 'f3'), true);
    index.onChange('dirsync_auth', 'dir:d');
    assert.equal(index.mightHave('d', 'dir'), false, 'other channels are ignored');
    live = false;
    assert.equal(index.mightHave('d', 'other'), true, 'listener down: ask PostgreSQL');
  });

  it('a reconnect makes it ask PostgreSQL until the reload is done; a failed load keeps asking', async () => {
    const loads: ReturnType<typeof deferred<string[]>>[] = [];
    const index = new ReplayMarkerIndex({ loadAll: () => { const d = deferred<string[]>(); loads.push(d); return d.promise; }, live: () => true });
    index.onResync();
    loads[0]?.resolve([]);
    await index.ready();
    assert.equal(index.mightHave('d', 'x'), false);
    index.onResync();
    assert.equal(index.mightHave('d', 'x'), true, 'reloading');
    loads[1]?.resolve(['d:x']);
    await index.ready();
    assert.equal(index.mightHave('d', 'x'), true);

    const failing = new ReplayMarkerIndex({ loadAll: () => Promise.reject(new Error('down')), live: () => true, onLoadError: () => undefined });
    failing.onResync();
    await failing.ready();
    assert.equal(failing.mightHave('d', 'y'), true);
  });

  it('gives up (asks PostgreSQL for everything) past its size cap', async () => {
    const index = new ReplayMarkerIndex({ loadAll: () => Promise.resolve(['a:1', 'a:2']), live: () => true, maxKeys: 2 });
    index.onResync();
    await index.ready();
    assert.equal(index.mightHave('a', '9'), false);
    index.add('a', '3');
    assert.equal(index.mightHave('a', '9'), true);
  });
});
