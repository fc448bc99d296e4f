import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatShare, rejectionShare, WARN_MIN_REQUESTS } from '../../../src/common/rejection-share';

const H = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('rejectionShare over hour buckets', () => {
  const now = at('2026-11-29T10:15:00Z');
  const buckets = [
    { hour: at('2026-11-29T10:00:00Z'), total: 100, rejected: 10 },
    { hour: at('2026-11-29T09:00:00Z'), total: 400, rejected: 0 },
    { hour: at('2026-11-28T12:00:00Z'), total: 1000, rejected: 500 },
  ];

  it('1 h: the current hour whole, the previous one pro rata (45 of its 60 minutes)', () => {
    const r = rejectionShare(buckets, now, H);
    assert.equal(r.total, 100 + 300);
    assert.equal(r.rejected, 10);
    assert.equal(r.share, 10 / 400);
    assert.equal(r.warning, false);
  });

  it('24 h: every bucket that overlaps the window', () => {
    const r = rejectionShare(buckets, now, 24 * H);
    assert.equal(r.total, 1500);
    assert.equal(r.rejected, 510);
    assert.equal(r.warning, true);
  });

  it('warns only above 5 % and with enough requests', () => {
    const b = (total: number, rejected: number) => [{ hour: at('2026-11-29T10:00:00Z'), total, rejected }];
    assert.equal(rejectionShare(b(100, 5), now, H).warning, false, 'exactly 5 % is not above');
    assert.equal(rejectionShare(b(100, 6), now, H).warning, true);
    assert.equal(rejectionShare(b(WARN_MIN_REQUESTS - 1, 10), now, H).warning, false);
    assert.deepEqual(rejectionShare([], now, H), { total: 0, rejected: 0, share: 0, warning: false });
  });

  it('ignores buckets outside the window and in the future', () => {
    const r = rejectionShare([{ hour: at('2026-11-29T08:00:00Z'), total: 50, rejected: 50 }, { hour: at('2026-11-29T11:00:00Z'), total: 9, rejected: 9 }], now, H);
    assert.equal(r.total, 0);
  });

  it('formats as a percentage', () => {
    assert.equal(formatShare(0.0625), '6.3 %');
    assert.equal(formatShare(0), '0.0 %');
  });
});
