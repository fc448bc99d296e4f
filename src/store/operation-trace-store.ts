import type { Knex } from 'knex';
import type { Db } from './db';
import type { OperationSummary } from './operation-store';
import { deliveryStatus, TRACE_EVENT_LIMIT, type OperationTrace, type TraceEvent } from './operation-trace';
import { isActivityCursor } from './portal-cursors';

/** A row of the write log as the admin API lists it: the portal's summary without its detail (which may quote client values). */
export type OperationListItem = Omit<OperationSummary, 'detail'>;

/** Events are written in the operation's own transaction, so they carry its `applied_at` (both are that transaction's now()). */
const WINDOW_SECONDS = 5;

/**
 * Reads the trace of one operation: five bounded queries, all on existing indexes
 * (operations' primary key; events by (organization_id, occurred_at) around the
 * operation's time, then its operation id; the organization's sinks; the directory's
 * cursors; `deliveries` by its primary key). No index is added to the write path.
 */
export class OperationTraceStore {
  constructor(private readonly db: Db | Knex.Transaction) {}

  /**
   * The SCIM write log, newest first, keyset-paged on (applied_at, id): creates applied
   * together (group commit) share one applied_at, so the id breaks ties. The cursor is
   * the portal's activity cursor (store/portal-cursors.ts); an invalid one reads from the top.
   */
  async listOperations(directoryId: string, opts: { before?: string | undefined; limit: number }): Promise<{ rows: OperationListItem[]; next?: string }> {
    const q = this.db('operations').where({ directory_id: directoryId });
    const bar = opts.before && isActivityCursor(opts.before) ? opts.before.lastIndexOf('|') : -1;
    if (opts.before && bar > 0) void q.andWhereRaw('(applied_at, id) < (?::timestamptz, ?::uuid)', [opts.before.slice(0, bar), opts.before.slice(bar + 1)]);
    const fetched: { id: string; method: string; resource_type: string; resource_id: string | null; summary: string; status: number; scim_type: string | null; received_at: Date; applied_at: Date; queue_ms: number; apply_ms: number; cursor: string }[] = await q
      .orderBy([{ column: 'applied_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(opts.limit + 1)
      .select('id', 'method', 'resource_type', 'resource_id', 'summary', 'status', 'scim_type', 'received_at', 'applied_at', 'queue_ms', 'apply_ms', this.db.raw(`applied_at::text || '|' || id::text AS cursor`));
    const rows = fetched.slice(0, opts.limit);
    const page: { rows: OperationListItem[]; next?: string } = {
      rows: rows.map((r) => ({ id: r.id, method: r.method, resourceType: r.resource_type, resourceId: r.resource_id, summary: r.summary, status: r.status, scimType: r.scim_type, receivedAt: r.received_at, appliedAt: r.applied_at, queueMs: r.queue_ms, applyMs: r.apply_ms })),
    };
    const last = rows[rows.length - 1];
    if (fetched.length > opts.limit && last) page.next = last.cursor;
    return page;
  }

  async trace(directoryId: string, operationId: string): Promise<OperationTrace | undefined> {
    const op = await this.db('operations as o')
      .join('directories as d', 'd.id', 'o.directory_id')
      .where({ 'o.id': operationId, 'o.directory_id': directoryId })
      .first(
        'o.id', 'o.request_id', 'o.method', 'o.resource_type', 'o.resource_id', 'o.summary', 'o.status', 'o.scim_type',
        this.db.raw(`o.response -> 'fault' ->> 'detail' AS fault_detail`),
        'o.received_at', 'o.applied_at', 'o.queue_ms', 'o.apply_ms', 'o.attempts', 'd.organization_id',
      );
    if (!op) return undefined;
    const eventsQuery = () =>
      this.db('events')
        .where({ organization_id: op.organization_id, directory_id: directoryId, operation_id: operationId })
        .andWhereRaw('occurred_at BETWEEN ?::timestamptz - make_interval(secs => ?) AND ?::timestamptz + make_interval(secs => ?)', [op.received_at, WINDOW_SECONDS, op.applied_at, WINDOW_SECONDS]);
    const directoryParam = this.db.raw('?::uuid', [directoryId]);
    const [events, counted, sinks] = await Promise.all([
      eventsQuery()
        .orderByRaw('seq NULLS LAST, ordinal')
        .limit(TRACE_EVENT_LIMIT)
        .select<{ id: string; type: string; resource_type: string; resource_id: string; resource_version: number; seq: number | null; occurred_at: Date; held_by: string | null }[]>('id', 'type', 'resource_type', 'resource_id', 'resource_version', 'seq', 'occurred_at', 'held_by'),
      eventsQuery().count<{ count: string | number }[]>({ count: '*' }),
      this.db('sinks as s')
        .leftJoin('delivery_cursors as c', function () {
          this.on('c.sink_id', '=', 's.id').andOn('c.directory_id', '=', directoryParam);
        })
        .where('s.organization_id', op.organization_id)
        .orderByRaw(`s.kind = 'app_model' DESC, s.created_at, s.id`)
        .select<{ id: string; name: string; kind: string; enabled: boolean; deliver_from: Date; last_seq: number | null; cursor_updated_at: Date | null }[]>('s.id', 's.name', 's.kind', 's.enabled', 's.deliver_from', 'c.last_seq', 'c.updated_at as cursor_updated_at'),
    ]);
    const rows = events.length
      ? await this.db('deliveries')
          .whereIn('event_id', events.map((e) => e.id))
          .select<{ event_id: string; sink_id: string; status: string; attempts: number; last_status: number | null; last_error: string | null; delivered_at: Date | null; next_attempt_at: Date | null }[]>('event_id', 'sink_id', 'status', 'attempts', 'last_status', 'last_error', 'delivered_at', 'next_attempt_at')
      : [];
    const byKey = new Map(rows.map((r) => [`${r.event_id}|${r.sink_id}`, r]));
    // Events a deprovisioning hold took out of delivery, with the hold's status.
    const holdIds = [...new Set(events.map((e) => e.held_by).filter((h): h is string => h !== null))];
    const holdStatus = new Map(holdIds.length ? (await this.db('holds').whereIn('id', holdIds).select<{ id: string; status: string }[]>('id', 'status')).map((h) => [h.id, h.status]) : []);
    const traceEvents: TraceEvent[] = events.map((e) => ({
      id: e.id,
      type: e.type,
      resourceType: e.resource_type,
      resourceId: e.resource_id,
      resourceVersion: e.resource_version,
      sequence: e.seq === null ? null : Number(e.seq),
      occurredAt: e.occurred_at.toISOString(),
      deliveries: sinks.map((s) => {
        const row = byKey.get(`${e.id}|${s.id}`);
        return {
          sinkId: s.id,
          sinkName: s.name,
          sinkKind: s.kind,
          ...deliveryStatus({
            sink: { enabled: s.enabled, deliverFrom: s.deliver_from },
            cursor: s.last_seq === null ? null : { lastSeq: Number(s.last_seq), updatedAt: s.cursor_updated_at ?? new Date(0) },
            event: { seq: e.seq === null ? null : Number(e.seq), occurredAt: e.occurred_at },
            row: row ? { status: row.status, attempts: row.attempts, lastStatus: row.last_status, lastError: row.last_error, deliveredAt: row.delivered_at, nextAttemptAt: row.next_attempt_at } : null,
            heldBy: e.held_by ? { holdId: e.held_by, status: holdStatus.get(e.held_by) ?? 'held' } : null,
          }),
        };
      }),
    }));
    return {
      request: {
        requestId: op.request_id,
        method: op.method,
        resourceType: op.resource_type,
        resourceId: op.resource_id,
        summary: op.summary,
        receivedAt: new Date(op.received_at).toISOString(),
      },
      operation: {
        id: op.id,
        status: op.status,
        scimType: op.scim_type,
        detail: op.status >= 400 ? (op.fault_detail ?? null) : null,
        appliedAt: new Date(op.applied_at).toISOString(),
        queueMs: op.queue_ms,
        applyMs: op.apply_ms,
        attempts: op.attempts,
      },
      events: traceEvents,
      eventCount: Number(counted[0]?.count ?? 0),
    };
  }
}
