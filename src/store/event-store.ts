import type { Knex } from 'knex';
import type { NewEvent, StoredEvent } from '../events/event-types';

export interface EventContext {
  organizationId: string;
  directoryId: string;
  operationId: string | null;
}

interface EventRow {
  id: string;
  organization_id: string;
  directory_id: string;
  seq: number;
  type: StoredEvent['type'];
  resource_type: StoredEvent['resourceType'];
  resource_id: string;
  resource_version: number;
  operation_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
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
});

/**
 * Appends events to the outbox inside the caller's transaction. Call it last in
 * the transaction: the sequence row stays locked until commit, so sequence order
 * is commit order within a directory (a cursor never skips an event).
 *
 * One statement takes the sequence numbers and inserts the events: every write
 * of a directory queues on that row lock until the holder commits, so each
 * round trip made while holding it caps the directory's write throughput
 * (docs/benchmarks.md). The upsert also covers a directory without its row.
 */
export async function appendEvents(trx: Knex.Transaction, ctx: EventContext, events: NewEvent[]): Promise<StoredEvent[]> {
  if (!events.length) return [];
  const payload = events.map((e, i) => ({ ord: i + 1, type: e.type, resource_type: e.resourceType, resource_id: e.resourceId, resource_version: e.resourceVersion, data: e.data }));
  const result = await trx.raw(
    `WITH seq AS (
       INSERT INTO event_sequences AS s (directory_id, last_seq) VALUES (?, ?)
       ON CONFLICT (directory_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
       RETURNING last_seq
     )
     INSERT INTO events (organization_id, directory_id, seq, type, resource_type, resource_id, resource_version, operation_id, data)
     SELECT ?, ?, seq.last_seq - ? + e.ord, e.type, e.resource_type, e.resource_id, e.resource_version, ?, e.data
     FROM seq, jsonb_to_recordset(?::jsonb) AS e(ord int, type text, resource_type text, resource_id uuid, resource_version int, data jsonb)
     RETURNING *`,
    [ctx.directoryId, events.length, ctx.organizationId, ctx.directoryId, events.length, ctx.operationId, JSON.stringify(payload)],
  );
  const rows = (result as { rows: EventRow[] }).rows;
  if (rows.length !== events.length) throw new Error(`outbox append wrote ${rows.length} of ${events.length} events`);
  return rows.sort((a, b) => a.seq - b.seq).map(toStoredEvent);
}
