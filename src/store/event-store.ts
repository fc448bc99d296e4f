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
  seq: number | null;
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
 * Appends events to the outbox inside the caller's transaction, in one
 * statement. Their per-directory `seq` is assigned at COMMIT by a deferred
 * trigger (migrations/20261128000400_event_seq_at_commit.ts): the directory's
 * sequence row is locked only for the commit itself, so sequence order is
 * commit order (a cursor never skips) without queueing the directory's other
 * writes behind this transaction's round trips. The returned events therefore
 * carry `seq: null`; every reader after commit sees the number.
 */
export async function appendEvents(trx: Knex.Transaction, ctx: EventContext, events: NewEvent[]): Promise<StoredEvent[]> {
  if (!events.length) return [];
  const rows: EventRow[] = await trx('events')
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
