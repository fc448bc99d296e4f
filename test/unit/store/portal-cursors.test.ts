import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isActivityCursor, isSeqCursor } from '../../../src/store/portal-cursors';

const UUID = '2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11';

describe('portal cursors', () => {
  it('sequence cursors are 1 to 15 digits', () => {
    assert.equal(isSeqCursor('0'), true);
    assert.equal(isSeqCursor('123456789012345'), true);
    for (const v of ['', '1234567890123456', '-1', '1.0', '1e3', ' 1', '1 ']) assert.equal(isSeqCursor(v), false, v);
  });

  it("activity cursors are PostgreSQL's timestamptz text, a bar and a uuid", () => {
    for (const t of ['2026-11-28 14:05:09+00', '2026-11-28 14:05:09.123456+00', '2026-11-28 14:05:09-05:30', '2024-02-29 00:00:00+00']) {
      assert.equal(isActivityCursor(`${t}|${UUID}`), true, t);
    }
  });

  it('refuses impossible dates and times, and any other shape', () => {
    for (const t of ['2026-02-30 00:00:00+00', '2025-02-29 00:00:00+00', '0000-01-01 00:00:00+00', '2026-11-28 24:00:00+00', '2026-11-28 14:60:00+00', '2026-11-28 14:05:60+00', '2026-13-01 00:00:00+00', '2026-11-28T14:05:09Z', '2026-11-28 14:05:09']) {
      assert.equal(isActivityCursor(`${t}|${UUID}`), false, t);
    }
    assert.equal(isActivityCursor(`2026-11-28 14:05:09+00|not-a-uuid`), false);
    assert.equal(isActivityCursor(`2026-11-28 14:05:09+00|${UUID}'; drop table x`), false);
  });
});
