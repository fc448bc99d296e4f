import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryRetry, DeliveryThrottled, PermanentDeliveryError, RetryableDeliveryError, backoffDelay, parseRetryAfter } from '../../../src/delivery/delivery-errors';

describe('delivery errors', () => {
  it('carry their data and a name that survives logging', () => {
    const r = new RetryableDeliveryError('503', 503, 2000);
    assert.deepEqual([r.name, r.message, r.httpStatus, r.retryAfterMs], ['RetryableDeliveryError', '503', 503, 2000]);
    assert.equal(new RetryableDeliveryError('timeout', null).retryAfterMs, undefined);
    const p = new PermanentDeliveryError('410', 410);
    assert.deepEqual([p.name, p.httpStatus], ['PermanentDeliveryError', 410]);
    assert.deepEqual([new DeliveryRetry('x', 5).name, new DeliveryRetry('x', 5).delayMs], ['DeliveryRetry', 5]);
    assert.deepEqual([new DeliveryThrottled('x', 9).name, new DeliveryThrottled('x', 9).delayMs], ['DeliveryThrottled', 9]);
    for (const e of [r, p, new DeliveryRetry('x', 1), new DeliveryThrottled('x', 1)]) assert.ok(e instanceof Error);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now), 0);
  });

  it('ignores absent and unparseable values', () => {
    for (const v of [null, '', '   ', 'soon', 'Thursday']) assert.equal(parseRetryAfter(v, now), undefined, String(v));
  });
});

describe('backoffDelay (equal jitter)', () => {
  it('doubles from the base and stays within [ceiling/2, ceiling]', () => {
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0), 500);
    assert.equal(backoffDelay(1, 1000, 60_000, () => 1), 1000);
    assert.equal(backoffDelay(3, 1000, 60_000, () => 0), 2000);
    assert.equal(backoffDelay(3, 1000, 60_000, () => 1), 4000);
  });

  it('is capped by the maximum, even for huge attempt numbers', () => {
    assert.equal(backoffDelay(50, 1000, 60_000, () => 1), 60_000);
    assert.equal(backoffDelay(10_000, 1000, 60_000, () => 0), 30_000);
    assert.ok(Number.isFinite(backoffDelay(10_000, 1000, Number.MAX_SAFE_INTEGER, () => 0.5)));
  });

  it('spreads with the random source', () => {
    const values = new Set([0, 0.25, 0.5, 0.75].map((r) => backoffDelay(4, 1000, 60_000, () => r)));
    assert.equal(values.size, 4);
  });
});
