import type { Queryable } from './db';
import type { NewEvent, StoredEvent } from '../events/event-types';

export interface EventContext {
  organizationId: string;
  directoryId: string;
  operationId: string | null;
}

export interface EventRow {
  id: string;
  organization_id: string;
  directory_id: string;
  seq: number | null;
  type: StoredEvent['type'];
  resource_type: StoredEvent['resourceType'];
  resource_id: string;
  resource_version: number;
  operation_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
  /** The hold keeping the event back (circuit breaker), set by the sequencer; absent from writers' rows. */
  held_by?: string | null;
}

export const toStoredEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  organizationId: r.organization_id,
  directoryId: r.directory_id,
  seq: r.seq,
  type: r.type,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  resourceVersion: r.resource_version,
  operationId: r.operation_id,
  data: r.data,
  occurredAt: r.occurred_at,
  heldBy: r.held_by ?? null,
});

export class EventStore {
  constructor(private readonly db: Queryable) {}

  /** Directories of an organization whose cursor position (`seqs[i]` for `directoryIds[i]`) is below the retention horizon. */
  async staleCursorDirectories(organizationId: string, directoryIds: string[], seqs: number[]): Promise<{ directory_id: string; seq: number; pruned_through: number }[]> {
    const result = await this.db.raw<{ rows: { directory_id: string; seq: number; pruned_through: number }[] }>(
      `SELECT c.directory_id, c.seq, h.pruned_through
         FROM unnest(?::uuid[], ?::bigint[]) AS c(directory_id, seq)
         JOIN event_retention_horizons h ON h.directory_id = c.directory_id
         JOIN directories d ON d.id = c.directory_id AND d.organization_id = ?
        WHERE c.seq < h.pruned_through
        ORDER BY c.directory_id`,
      [directoryIds, seqs, organizationId],
    );
    return result.rows;
  }

  /**
   * Up to `limit` sequenced events of an organization after a per-directory cursor,
   * interleaved fairly across directories (each directory's in seq order). Events a
   * circuit-breaker hold keeps back are left out.
   */
  async feedPage(organizationId: string, directoryIds: string[], seqs: number[], limit: number): Promise<EventRow[]> {
    const result = await this.db.raw<{ rows: EventRow[] }>(
      `WITH c(directory_id, seq) AS (SELECT * FROM unnest(?::uuid[], ?::bigint[]))
       SELECT * FROM (
         SELECT e.*, row_number() OVER (PARTITION BY e.directory_id ORDER BY e.seq) AS rn
           FROM events e LEFT JOIN c ON c.directory_id = e.directory_id
          -- Events a circuit-breaker hold keeps back are delivered to no consumer; a release re-issues them as new events.
          WHERE e.organization_id = ? AND e.seq > coalesce(c.seq, 0) AND e.held_by IS NULL
       ) x
       ORDER BY rn, occurred_at, directory_id
       LIMIT ?`,
      [directoryIds, seqs, organizationId, limit],
    );
    return result.rows;
  }

  /**
   * Appends events to the outbox inside the caller's transaction, in one
   * statement that lists only the event's own columns: `id`, `occurred_at`, the
   * transaction id `txid` and the insertion `ordinal` come from column defaults.
   * Writers take no per-directory lock; the per-directory `seq` is assigned after
   * commit by the outbox sequencer (src/delivery/outbox-sequencer.ts), in
   * (txid, ordinal) order, so the returned events carry `seq: null`.
   */
  async appendEvents(ctx: EventContext, events: NewEvent[]): Promise<StoredEvent[]> {
    if (!events.length) return [];
    const rows: EventRow[] = await this.db('events')
      .insert(
        events.map((e) => ({
          organization_id: ctx.organizationId,
          directory_id: ctx.directoryId,
          type: e.type,
          resource_type: e.resourceType,
          resource_id: e.resourceId,
          resource_version: e.resourceVersion,
          operation_id: ctx.operationId,
          data: e.data,
        })),
      )
      .returning('*');
    return rows.map(toStoredEvent);
  }
}
