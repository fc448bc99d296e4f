import type { Db } from '../store/db';
import { DeliveryCursorStore, type CursorKey } from '../store/delivery-cursor-store';
import type { SinkWithSecret } from '../store/sink-store';
import { recordFirstFailure, type DeliverySettings } from './deliver-event';
import { DeliveryRetry, DeliveryThrottled, PermanentDeliveryError } from './delivery-errors';
import type { DrainResult } from './drain-app-model';
import { retryHead } from './drain-head';
import { postWebhook } from './webhook-sink';
import { openSecret } from './webhook-secret';
import { withAttributes } from './event-attributes';

/**
 * One batch of a directory's events to one webhook, strictly in seq order (so each
 * resource's events arrive in version order, docs/delivery.md). The POSTs happen
 * outside any transaction (a row lock or transaction held across HTTP calls would
 * pin a pooled connection and block vacuum for as long as a receiver stalls); a
 * lease on the cursor keeps other processes off it meanwhile. Delivered events need no row: the cursor
 * moves once at the end of the batch (a crash mid-batch re-sends some events,
 * which receivers dedupe by `webhook-id`).
 *
 * A failing event stops the batch: it gets a `deliveries` row with its attempts
 * and next attempt time, the cursor stays just before it (`head_failing`), and the
 * events behind it wait until it is delivered or dead-lettered.
 */
export async function drainWebhook(db: Db, key: CursorKey, sink: SinkWithSecret, settings: DeliverySettings, batchSize: number, owner: string): Promise<DrainResult> {
  const cursors = new DeliveryCursorStore(db);
  // Long enough for one POST plus margin, renewed as the batch goes: a worker killed
  // mid-batch stalls this (sink, directory) for at most one lease.
  const leaseMs = sink.timeoutMs + 5000;
  // Measured from before the request: the lease in PostgreSQL ends no earlier than this.
  let leaseUntil = Date.now() + leaseMs;
  const cursor = await cursors.lease(key, owner, leaseMs);
  if (!cursor) {
    if (await cursors.ensure(key)) return { passed: 0, more: true, busy: false, statements: 2 };
    return { passed: 0, more: false, busy: true, statements: 2 };
  }
  let last = cursor.lastSeq;
  let headFailing = cursor.headFailing;
  let retryAt: number | undefined;
  let passed = 0;
  let stopped = false;
  let leaseLost = false;
  let events: Awaited<ReturnType<DeliveryCursorStore['events']>> = [];
  try {
    events = await withAttributes(db, await cursors.events(key.directoryId, last, batchSize));
    const secret = sink.url && sink.sealedSecret ? openSecret(sink.sealedSecret, settings.secretKey) : undefined;
    for (const event of events) {
      // Every POST must end inside the lease, or a second process could send the same events.
      if (Date.now() + sink.timeoutMs + 1000 > leaseUntil) {
        const renewing = Date.now();
        if (!(await cursors.renewLease(key, owner, leaseMs, last))) {
          leaseLost = true;
          break;
        }
        leaseUntil = renewing + leaseMs;
      }
      const seq = event.seq ?? 0;
      // Before the sink existed, or held by the circuit breaker (a release delivers it later).
      if (event.occurredAt < sink.deliverFrom || event.heldBy) {
        last = seq;
        continue;
      }
      if (headFailing) {
        const outcome = await retryHead(db, key, event, settings);
        if (outcome.kind !== 'passed') {
          retryAt = outcome.kind === 'wait' ? outcome.retryAt : undefined;
          stopped = true;
          break;
        }
        headFailing = false;
      } else {
        try {
          if (!sink.url || !secret) throw new PermanentDeliveryError('webhook sink has no url or secret', null);
          await postWebhook(sink.url, secret, event, sink.timeoutMs);
        } catch (err) {
          try {
            await recordFirstFailure(db, { eventId: event.id, sinkId: key.sinkId, organizationId: key.organizationId }, settings, event.occurredAt, err);
          } catch (retry) {
            if (!(retry instanceof DeliveryRetry || retry instanceof DeliveryThrottled)) throw retry;
            headFailing = true;
            retryAt = Date.now() + retry.delayMs;
            stopped = true;
            break;
          }
          // Dead-lettered: the cursor passes it.
        }
      }
      last = seq;
      passed++;
    }
  } finally {
    await cursors.advance(db, key, last, headFailing, owner);
  }
  return { passed, more: !leaseLost && !stopped && events.length === batchSize, busy: false, retryAt, statements: 3 };
}
