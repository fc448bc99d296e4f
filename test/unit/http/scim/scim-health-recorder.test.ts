import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ScimHealthRecorder } from '../../../../src/http/scim/scim-health-recorder';
import type { RejectionRecord, RequestCountDelta } from '../../../../src/store/scim-health-store';

const log = pino({ level: 'silent' });
const reject = { method: 'GET', path: '/Users', status: 400, scimType: 'invalidFilter', detail: 'Invalid filter syntax', attribute: null, requestId: 'r1' };

class FakeStore {
  batches: RejectionRecord[][] = [];
  counts: RequestCountDelta[][] = [];
  failNext = 0;
  async insertRejections(records: readonly RejectionRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database away');
    }
    this.batches.push([...records]);
  }
  async addRequestCounts(deltas: readonly RequestCountDelta[]): Promise<void> {
    this.counts.push(deltas.map((d) => ({ ...d })));
  }
}

describe('ScimHealthRecorder: in memory per request, one batch per flush', () => {
  it('counts every request per directory and hour, buffers rejections, writes them in one batch', async () => {
    const store = new FakeStore();
    const r = new ScimHealthRecorder(store, { flushIntervalMs: 60_000 }, log);
    const at = new Date('2026-11-29T10:20:00Z');
    r.request('d1', at);
    r.request('d1', at, reject);
    r.request('d1', new Date('2026-11-29T11:01:00Z'));
    r.request('d2', at, reject);
    assert.equal(store.batches.length, 0, 'nothing written per request');
    await r.flush();
    assert.equal(store.batches.length, 1);
    assert.deepEqual(store.batches[0]!.map((x) => x.directoryId), ['d1', 'd2']);
    const counts = store.counts[0]!.map((c) => [c.directoryId, c.hour.toISOString(), c.total, c.rejected]);
    assert.deepEqual(counts, [
      ['d1', '2026-11-29T10:00:00.000Z', 2, 1],
      ['d1', '2026-11-29T11:00:00.000Z', 1, 0],
      ['d2', '2026-11-29T10:00:00.000Z', 1, 1],
    ]);
    await r.flush();
    assert.equal(store.batches.length, 1, 'an empty flush writes nothing');
  });

  it('keeps at most maxPerDirectoryPerFlush rejections of a directory per flush, but counts them all', async () => {
    const store = new FakeStore();
    const r = new ScimHealthRecorder(store, { flushIntervalMs: 60_000, maxPerDirectoryPerFlush: 3 }, log);
    for (let i = 0; i < 10; i++) r.request('noisy', new Date(), reject);
    r.request('quiet', new Date(), reject);
    await r.flush();
    assert.equal(store.batches[0]!.filter((x) => x.directoryId === 'noisy').length, 3);
    assert.equal(store.batches[0]!.filter((x) => x.directoryId === 'quiet').length, 1);
    assert.equal(store.counts[0]!.find((c) => c.directoryId === 'noisy')!.rejected, 10);
  });

  it('a failed write is kept for the next flush, within the buffer bound', async () => {
    const store = new FakeStore();
    store.failNext = 1;
    const r = new ScimHealthRecorder(store, { flushIntervalMs: 60_000, maxBuffered: 5 }, log);
    for (let i = 0; i < 4; i++) r.request('d', new Date(), reject);
    await r.flush();
    assert.equal(store.batches.length, 0);
    for (let i = 0; i < 4; i++) r.request('d', new Date(), reject);
    await r.flush();
    assert.equal(store.batches[0]!.length, 5, 'the retried batch and what fits of the new one');
  });

  it('close() writes the last batch (shutdown)', async () => {
    const store = new FakeStore();
    const r = new ScimHealthRecorder(store, { flushIntervalMs: 60_000 }, log);
    r.start();
    r.request('d', new Date(), reject);
    await r.close();
    assert.equal(store.batches.length, 1);
    assert.equal(store.counts.length, 1);
  });
});
