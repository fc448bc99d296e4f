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
 */
export async function appendEvents(trx: Knex.Transaction, ctx: EventContext, events: NewEvent[]): Promise<StoredEvent[]> {
  if (!events.length) return [];
  const [seqRow] = await trx('event_sequences')
    .where({ directory_id: ctx.directoryId })
    .increment('last_seq', events.length)
    .returning('last_seq');
  const last = Number((seqRow as { last_seq: number } | undefined)?.last_seq ?? events.length);
  const first = last - events.length + 1;
  const rows: EventRow[] = await trx('events')
    .insert(
      events.map((e, i) => ({
        organization_id: ctx.organizationId,
        directory_id: ctx.directoryId,
        seq: first + i,
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
