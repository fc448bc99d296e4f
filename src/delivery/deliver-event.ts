import type { Db } from '../store/db';
import { DeliveryStore, type DeliveryKey } from '../store/delivery-store';
import { SinkStore } from '../store/sink-store';
import { applyToAppModel } from '../app-model/app-model-sink';
import { postWebhook } from './webhook-sink';
import { openSecret } from './webhook-secret';
import { withAttributes } from './event-attributes';
import { PermanentDeliveryError, RetryableDeliveryError, DeliveryRetry, DeliveryThrottled, backoffDelay } from './delivery-errors';

export interface DeliverySettings {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long 429/503 + Retry-After answers may go on (from the event's time) before a dead letter; they use no attempts. */
  throttleBudgetMs?: number;
  secretKey: string | undefined;
}

/** A receiver cannot park a delivery for longer than this with one Retry-After. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'skipped' | 'dead';

/**
 * One delivery attempt of one event to one sink, for a sink's failing head event
 * and for replays (the batch drains deliver everything else). PostgreSQL decides
 * everything: a delivered row is never delivered again, the attempt count lives in
 * the row (it survives restarts), and the last failure becomes a dead letter.
 * Throws DeliveryRetry / DeliveryThrottled with the delay recorded in PostgreSQL.
 */
export async function deliverEvent(db: Db, key: DeliveryKey, settings: DeliverySettings): Promise<DeliveryOutcome> {
  const store = new DeliveryStore(db);
  const [event, sink] = await Promise.all([store.event(key.eventId), new SinkStore(db).findWithSecret(key.sinkId)]);
  if (!event || !sink || !sink.enabled) return 'skipped';

  if (sink.kind === 'app_model') {
    let attempts = 0;
    try {
      // Apply and record in one transaction: exactly once in effect, even when two jobs race.
      return await db.transaction(async (trx) => {
        const row = await store.lock(trx, key);
        if (row.status !== 'pending') return row.status === 'delivered' ? 'already-delivered' : 'skipped';
        attempts = row.attempts + 1;
        await applyToAppModel(trx, event);
        await store.markDelivered(trx, key, attempts, null);
        return 'delivered';
      });
    } catch (err) {
      return failed(store, key, settings, attempts || 1, err);
    }
  }

  const row = await db.transaction((trx) => store.lock(trx, key));
  if (row.status !== 'pending') return row.status === 'delivered' ? 'already-delivered' : 'skipped';
  const attempts = row.attempts + 1;
  try {
    if (!sink.url || !sink.sealedSecret) throw new PermanentDeliveryError('webhook sink has no url or secret', null);
    const [payload] = await withAttributes(db, [event]);
    const status = await postWebhook(sink.url, openSecret(sink.sealedSecret, settings.secretKey), payload ?? event, sink.timeoutMs);
    await store.markDelivered(db, key, attempts, status);
    return 'delivered';
  } catch (err) {
    if (err instanceof RetryableDeliveryError && err.retryAfterMs !== undefined) return throttled(store, key, settings, row.attempts, event.occurredAt, err, err.retryAfterMs);
    return failed(store, key, settings, attempts, err);
  }
}

/**
 * Records the first failed attempt of a delivery the drain tried without a row
 * (docs/delivery.md: delivered-ness is the cursor, rows exist only for failures).
 * Returns 'dead' (permanent failure), or throws DeliveryRetry / DeliveryThrottled
 * with the delay recorded in PostgreSQL.
 */
export async function recordFirstFailure(db: Db, key: DeliveryKey, settings: DeliverySettings, occurredAt: Date, err: unknown): Promise<DeliveryOutcome> {
  const store = new DeliveryStore(db);
  const row = await db.transaction((trx) => store.lock(trx, key));
  if (err instanceof RetryableDeliveryError && err.retryAfterMs !== undefined) return throttled(store, key, settings, row.attempts, occurredAt, err, err.retryAfterMs);
  return failed(store, key, settings, row.attempts + 1, err);
}

/**
 * 429/503 with Retry-After: the receiver is alive and asked us to wait. That is not a
 * failed attempt (a receiver rate-limiting for minutes would otherwise end in dead
 * letters): the attempt count stays, the wait is honoured, and only a time budget
 * (from the event's time) bounds it.
 */
async function throttled(store: DeliveryStore, key: DeliveryKey, settings: DeliverySettings, attempts: number, occurredAt: Date, err: RetryableDeliveryError, retryAfterMs: number): Promise<DeliveryOutcome> {
  const budgetMs = settings.throttleBudgetMs ?? 86_400_000;
  if (Date.now() - occurredAt.getTime() > budgetMs) {
    await store.deadLetter(key, attempts, err.httpStatus, `throttled (Retry-After) for longer than ${Math.round(budgetMs / 1000)} s: ${err.message}`);
    return 'dead';
  }
  const delayMs = Math.max(0, Math.min(retryAfterMs, Math.max(settings.backoffMaxMs, MAX_RETRY_AFTER_MS)));
  await store.recordFailure(key, attempts, err.httpStatus, `${err.message} (Retry-After ${Math.round(delayMs / 1000)} s)`, new Date(Date.now() + delayMs));
  throw new DeliveryThrottled(err.message, delayMs);
}

async function failed(store: DeliveryStore, key: DeliveryKey, settings: DeliverySettings, attempts: number, err: unknown): Promise<DeliveryOutcome> {
  const message = err instanceof Error ? err.message : String(err);
  const httpStatus = err instanceof RetryableDeliveryError || err instanceof PermanentDeliveryError ? err.httpStatus : null;
  if (err instanceof PermanentDeliveryError || attempts >= settings.maxAttempts) {
    await store.deadLetter(key, attempts, httpStatus, err instanceof PermanentDeliveryError ? `permanent: ${message}` : `gave up after ${attempts} attempts: ${message}`);
    return 'dead';
  }
  const retryAfter = err instanceof RetryableDeliveryError ? err.retryAfterMs : undefined;
  // Retry-After is honoured (up to an hour, or the longest backoff if that is longer); otherwise exponential with jitter.
  const delayMs = retryAfter !== undefined ? Math.min(retryAfter, Math.max(settings.backoffMaxMs, MAX_RETRY_AFTER_MS)) : backoffDelay(attempts, settings.backoffBaseMs, settings.backoffMaxMs);
  await store.recordFailure(key, attempts, httpStatus, message, new Date(Date.now() + delayMs));
  throw new DeliveryRetry(message, delayMs);
}
