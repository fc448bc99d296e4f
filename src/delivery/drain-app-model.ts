import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { DeliveryCursorStore, type CursorKey } from '../store/delivery-cursor-store';
import type { DeliverySettings } from './deliver-event';
import { applyBatchToAppModel } from './app-model-batch';
import { retryHead } from './drain-head';

export interface DrainResult {
  /** Events the cursor passed. */
  passed: number;
  /** The batch was full: drain again at once. */
  more: boolean;
  /** Another process holds the cursor. */
  busy: boolean;
  /** The head event failed; try again at this time (ms since epoch). */
  retryAt?: number;
  /** Statements this drain sent (for the per-event budget in docs/benchmarks.md). */
  statements: number;
}

/**
 * One batch of a directory's events into the built-in app user model, in ONE
 * transaction: lock the (sink, directory) cursor with SKIP LOCKED and read up to
 * `batchSize` events after it (one statement), apply them set-based
 * (app-model-batch.ts), move the cursor, commit. Two drains of one cursor never
 * overlap, and a crash before COMMIT applies nothing and moves nothing.
 *
 * If the batch fails, the drain falls back to the head event alone through the
 * per-event path (attempts, backoff, dead letter): a poison event is isolated,
 * and the events behind it wait until it is delivered or dead-lettered.
 */
export async function drainAppModel(db: Db, key: CursorKey, deliverFrom: Date, settings: DeliverySettings, batchSize: number): Promise<DrainResult> {
  const cursors = new DeliveryCursorStore(db);
  let head: StoredEvent | undefined;
  let headFailing = false;
  try {
    const result = await db.transaction(async (trx): Promise<DrainResult | undefined> => {
      const batch = await cursors.lockWithEvents(trx, key, batchSize);
      if (!batch) return undefined;
      head = batch.events[0];
      headFailing = batch.headFailing;
      if (!head) return { passed: 0, more: false, busy: false, statements: 3 };
      if (batch.headFailing) return undefined;
      const applicable = batch.events.filter((e) => e.occurredAt >= deliverFrom);
      const applied = await applyBatchToAppModel(trx, key, applicable);
      const last = batch.events[batch.events.length - 1]?.seq ?? batch.lastSeq;
      await cursors.advance(trx, key, last, false);
      return { passed: batch.events.length, more: batch.events.length === batchSize, busy: false, statements: 4 + applied };
    });
    if (result) return result;
    if (!head) {
      // No cursor yet, or a busy one.
      if (await cursors.ensure(key)) return { passed: 0, more: true, busy: false, statements: 4 };
      return { passed: 0, more: false, busy: true, statements: 4 };
    }
  } catch (err) {
    if (!head) throw err;
    headFailing = true;
  }
  if (!headFailing || !head) return { passed: 0, more: false, busy: false, statements: 3 };
  const failedHead = head;
  const outcome = await retryHead(db, key, failedHead, settings);
  if (outcome.kind === 'passed') {
    await cursors.advance(db, key, failedHead.seq ?? 0, false);
    return { passed: 1, more: true, busy: false, statements: 8 };
  }
  if (outcome.kind === 'wait') await cursors.advance(db, key, (failedHead.seq ?? 1) - 1, true);
  return { passed: 0, more: false, busy: false, retryAt: outcome.kind === 'wait' ? outcome.retryAt : undefined, statements: 8 };
}
