import type { Db } from '../store/db';
import { HoldStore } from '../store/hold-store';
import { DeliveryStore } from '../store/delivery-store';

export interface DeliveryStats {
  /** Occurred-at of the oldest event not yet delivered to some enabled sink, or not yet sequenced (null: nothing pending). */
  oldestUndeliveredAt: Date | null;
  /** Deliveries that failed and wait for a retry (status `pending`). */
  pendingDeliveries: number;
  /** Dead letters not replayed. */
  deadLetters: number;
  /** Failed attempts recorded (attempts beyond the first), over the delivery rows retention keeps. */
  retriesTotal: number;
  /** Circuit-breaker holds open (docs/circuit-breaker.md). */
  openHolds: number;
  /** Events those holds keep back from every sink. */
  heldEvents: number;
  /** People who would lose access if they were released. */
  heldPeople: number;
}

/**
 * Delivery health for /metrics and the ops view; every number comes from PostgreSQL
 * (G5). The lag reads the event right after each (enabled sink, directory) cursor
 * (one index probe per pair) and the oldest unsequenced event (partial index), so
 * its cost follows directories × sinks, not the size of the outbox.
 */
export async function deliveryStats(db: Db): Promise<DeliveryStats> {
  const deliveries = new DeliveryStore(db);
  const [oldestUndeliveredAt, counts, deadLetters, held] = await Promise.all([deliveries.oldestUndeliveredAt(), deliveries.failureCounts(), deliveries.openDeadLetterCount(), new HoldStore(db).totals()]);
  return {
    oldestUndeliveredAt,
    pendingDeliveries: counts.pending,
    deadLetters,
    retriesTotal: counts.retries,
    openHolds: held.openHolds,
    heldEvents: held.heldEvents,
    heldPeople: held.people,
  };
}
