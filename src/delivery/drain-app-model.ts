import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { DeliveryCursorStore, cursorId, type CursorKey } from '../store/delivery-cursor-store';
import type { DeliverySettings } from './deliver-event';
import { applyBatchToAppModel } from '../app-model/app-model-batch';
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
      // Held events (circuit breaker) are passed, not applied: a release delivers them later.
      const applicable = batch.events.filter((e) => e.occurredAt >= deliverFrom && !e.heldBy);
      const applied = await applyBatchToAppModel(trx, applicable);
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

export interface AppModelCursor extends CursorKey {
  deliverFrom: Date;
}

/**
 * `drainAppModel` for many (app-model sink, directory) cursors at once: ONE
 * transaction locks every cursor it can (SKIP LOCKED) with up to `batchSize`
 * events each, applies all of them set-based, moves every cursor, commits. With a
 * hundred tenants importing at once this costs the same handful of statements as
 * one tenant. Cursors whose head event failed, and every cursor when the shared
 * batch fails, go through `drainAppModel` one by one (per-event retries and dead
 * letters). Results are keyed by `cursorId`.
 */
export async function drainAppModels(db: Db, keys: AppModelCursor[], settings: DeliverySettings, batchSize: number): Promise<Map<string, DrainResult>> {
  const out = new Map<string, DrainResult>();
  if (!keys.length) return out;
  const cursors = new DeliveryCursorStore(db);
  const byId = new Map(keys.map((k) => [cursorId(k), k]));
  const alone: AppModelCursor[] = [];
  let missing: AppModelCursor[] = [];
  try {
    await db.transaction(async (trx) => {
      const locked = await cursors.lockManyWithEvents(trx, keys, batchSize);
      const events: StoredEvent[] = [];
      const moves: { key: CursorKey; lastSeq: number }[] = [];
      for (const [id, batch] of locked) {
        const key = byId.get(id);
        if (!key) continue;
        if (batch.headFailing) {
          alone.push(key);
          continue;
        }
        const last = batch.events[batch.events.length - 1]?.seq;
        if (last === undefined || last === null) {
          out.set(id, { passed: 0, more: false, busy: false, statements: 0 });
          continue;
        }
        events.push(...batch.events.filter((e) => e.occurredAt >= key.deliverFrom && !e.heldBy));
        moves.push({ key, lastSeq: last });
        out.set(id, { passed: batch.events.length, more: batch.events.length === batchSize, busy: false, statements: 0 });
      }
      const applied = await applyBatchToAppModel(trx, events);
      await cursors.advanceMany(trx, moves);
      const first = out.values().next().value;
      if (first) first.statements = 4 + applied;
      // Not locked: missing (created below, drained next round) or held by another process.
      missing = keys.filter((k) => !locked.has(cursorId(k)));
      for (const k of missing) out.set(cursorId(k), { passed: 0, more: false, busy: true, statements: 0 });
    });
    if (missing.length) await cursors.ensureMany(missing);
  } catch {
    // One event of the shared batch failed: isolate it by draining each cursor alone.
    out.clear();
    alone.length = 0;
    alone.push(...keys);
  }
  for (const key of alone) out.set(cursorId(key), await drainAppModel(db, key, key.deliverFrom, settings, batchSize));
  return out;
}
