import type { Db } from '../store/db';

export interface DeliveryStats {
  /** Occurred-at of the oldest event not yet delivered to some enabled sink (null: nothing pending). */
  oldestUndeliveredAt: Date | null;
  /** Deliveries attempted but not yet delivered (status `pending`). */
  pendingDeliveries: number;
  /** Dead letters not replayed. */
  deadLetters: number;
  /** Failed attempts recorded so far (attempts beyond the first, over all deliveries). */
  retriesTotal: number;
}

/** Delivery health for /metrics and the ops view; every number comes from PostgreSQL (G5). */
export async function deliveryStats(db: Db): Promise<DeliveryStats> {
  const oldest = await db.raw<{ rows: { at: Date | null }[] }>(
    `SELECT min(e.occurred_at) AS at
       FROM events e
       JOIN sinks s ON s.organization_id = e.organization_id AND s.enabled AND e.occurred_at >= s.deliver_from
       LEFT JOIN deliveries d ON d.event_id = e.id AND d.sink_id = s.id
      WHERE d.event_id IS NULL OR d.status = 'pending'`,
  );
  const counts = await db.raw<{ rows: { pending: number; retries: number }[] }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            coalesce(sum(greatest(attempts - 1, 0)), 0)::int AS retries
       FROM deliveries`,
  );
  const dead = await db.raw<{ rows: { n: number }[] }>(`SELECT count(*)::int AS n FROM dead_letters WHERE replayed_at IS NULL`);
  return {
    oldestUndeliveredAt: oldest.rows[0]?.at ?? null,
    pendingDeliveries: counts.rows[0]?.pending ?? 0,
    deadLetters: dead.rows[0]?.n ?? 0,
    retriesTotal: counts.rows[0]?.retries ?? 0,
  };
}
