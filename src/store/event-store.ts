import type { Queryable } from './db';
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
