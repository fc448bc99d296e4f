import type { Db } from '../store/db';
import { HoldStore } from '../store/hold-store';

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
  const oldest = await db.raw<{ rows: { at: Date | null }[] }>(
    `SELECT least(
       (SELECT min(occurred_at) FROM events WHERE seq IS NULL),
       (SELECT min(h.occurred_at)
          FROM sinks s
          JOIN directories d ON d.organization_id = s.organization_id
          LEFT JOIN delivery_cursors c ON c.sink_id = s.id AND c.directory_id = d.id
          CROSS JOIN LATERAL (
            SELECT e.occurred_at FROM events e
             WHERE e.directory_id = d.id AND e.seq > coalesce(c.last_seq, 0) AND e.occurred_at >= s.deliver_from
             ORDER BY e.seq LIMIT 1) h
         WHERE s.enabled)) AS at`,
  );
  const counts = await db.raw<{ rows: { pending: number; retries: number }[] }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            coalesce(sum(greatest(attempts - 1, 0)), 0)::int AS retries
       FROM deliveries`,
  );
  const held = await new HoldStore(db).totals();
  const dead = await db.raw<{ rows: { n: number }[] }>(`SELECT count(*)::int AS n FROM dead_letters WHERE replayed_at IS NULL`);
  return {
    oldestUndeliveredAt: oldest.rows[0]?.at ?? null,
    pendingDeliveries: counts.rows[0]?.pending ?? 0,
    deadLetters: dead.rows[0]?.n ?? 0,
    retriesTotal: counts.rows[0]?.retries ?? 0,
    openHolds: held.openHolds,
    heldEvents: held.heldEvents,
    heldPeople: held.people,
  };
}
