/** A failed attempt worth retrying; `retryAfterMs` is the receiver's Retry-After, when it sent one. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

/** A failure that no retry can fix (4xx other than 408/429): straight to a dead letter. */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** A failed attempt was recorded: carries the delay (already in PostgreSQL) before the next one. */
export class DeliveryRetry extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeliveryRetry';
  }
}

/**
 * The receiver asked us to wait (429/503 with Retry-After): the next attempt is
 * scheduled WITHOUT using one of the delivery's attempts, so a receiver that
 * rate-limits for a long time does not exhaust the budget.
 */
export class DeliveryThrottled extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeliveryThrottled';
  }
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff with equal jitter: half the doubled delay fixed, half random,
 * so retries of many events spread out instead of hammering a recovering app.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
