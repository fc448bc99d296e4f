/**
 * The per-operation trace (issue 13, requirement 2): a SCIM request, the operation
 * that applied it, the events it wrote, and each sink's delivery of each event.
 * Pure types and the one rule that derives a delivery's status, so the portal and
 * the admin API show the same thing (operation-trace-store.ts reads the rows).
 */

/** How one sink stands with one event. */
export type SinkDeliveryStatus =
  /** The sink's cursor passed the event (and no `deliveries` row says otherwise), or a retry/replay went through. */
  | 'delivered'
  /** Not delivered yet: not sequenced, or the sink's cursor is still before it. */
  | 'pending'
  /** It failed and waits for its next attempt (a `deliveries` row in `pending`). */
  | 'retrying'
  /** Dead-lettered after its attempts (or at once for a permanent 4xx): replayable. */
  | 'dead'
  /** The sink is disabled: nothing is delivered to it. */
  | 'sink_disabled'
  /** The event is older than the sink (a webhook receives events from its creation on). */
  | 'not_applicable'
  /**
   * A deprovisioning hold took this event out of delivery (docs/circuit-breaker.md): `heldBy`
   * says which hold and whether it is still open (`held`), released (the event went out
   * again as a re-issued copy, in order) or discarded (never delivered).
   */
  | 'held';

export interface SinkDelivery {
  sinkId: string;
  sinkName: string;
  sinkKind: string;
  status: SinkDeliveryStatus;
  /** Attempts recorded (a `deliveries` row); 0 when it went through with its batch or has not been tried. */
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** Exact time of a retried or replayed delivery; null when it went with its batch (see deliveredBy). */
  deliveredAt: string | null;
  /** Delivered with its batch: the cursor passed it no later than this (the cursor's last move). */
  deliveredBy: string | null;
  nextAttemptAt: string | null;
  /** The hold that took this event out of delivery (status `held`), with the hold's own status. */
  heldBy?: { holdId: string; status: string };
}

export interface TraceEvent {
  id: string;
  type: string;
  resourceType: string;
  resourceId: string;
  resourceVersion: number;
  /** Per-directory sequence; null until the sequencer numbers it (milliseconds after commit). */
  sequence: number | null;
  occurredAt: string;
  deliveries: SinkDelivery[];
}

export interface OperationTrace {
  request: {
    requestId: string | null;
    method: string;
    resourceType: string;
    resourceId: string | null;
    /** e.g. `PATCH /Users/<id> ops=replace:active`: names, never values. */
    summary: string;
    receivedAt: string;
  };
  operation: {
    id: string;
    status: number;
    scimType: string | null;
    /** Value-free detail of an error result (the rejected-request record's detail). */
    detail: string | null;
    appliedAt: string;
    /** Time in the queue before a worker took it (ms). */
    queueMs: number;
    /** Time to apply it (ms). */
    applyMs: number;
    attempts: number;
  };
  events: TraceEvent[];
  /** Events the operation wrote; `events` holds the first TRACE_EVENT_LIMIT of them. */
  eventCount: number;
}

export const TRACE_EVENT_LIMIT = 200;

export interface DeliveryFacts {
  sink: { enabled: boolean; deliverFrom: Date };
  /** The sink's cursor for the directory: every event with seq <= lastSeq is delivered or dead. */
  cursor: { lastSeq: number; updatedAt: Date } | null;
  event: { seq: number | null; occurredAt: Date };
  /** The `deliveries` row of (event, sink), if any: they exist only for failures, retries, dead letters and replays. */
  row: { status: string; attempts: number; lastStatus: number | null; lastError: string | null; deliveredAt: Date | null; nextAttemptAt: Date | null } | null;
  /** `events.held_by` and that hold's status: a held event is passed over by every drain, so the cursor says nothing about it. */
  heldBy?: { holdId: string; status: string } | null;
}

/** The cursor rule of docs/delivery.md, as one status. */
export function deliveryStatus(f: DeliveryFacts): Pick<SinkDelivery, 'status' | 'attempts' | 'lastStatus' | 'lastError' | 'deliveredAt' | 'deliveredBy' | 'nextAttemptAt' | 'heldBy'> {
  const base = { attempts: f.row?.attempts ?? 0, lastStatus: f.row?.lastStatus ?? null, lastError: f.row?.lastError ?? null, deliveredAt: null, deliveredBy: null, nextAttemptAt: null };
  if (f.heldBy) return { ...base, status: 'held', heldBy: f.heldBy };
  if (f.row?.status === 'dead') return { ...base, status: 'dead' };
  if (f.row?.status === 'delivered') return { ...base, status: 'delivered', deliveredAt: f.row.deliveredAt?.toISOString() ?? null };
  if (f.row?.status === 'pending') return { ...base, status: 'retrying', nextAttemptAt: f.row.nextAttemptAt?.toISOString() ?? null };
  if (f.event.occurredAt.getTime() < f.sink.deliverFrom.getTime()) return { ...base, status: 'not_applicable' };
  if (f.event.seq !== null && f.cursor && f.cursor.lastSeq >= f.event.seq) return { ...base, status: 'delivered', deliveredBy: f.cursor.updatedAt.toISOString() };
  if (!f.sink.enabled) return { ...base, status: 'sink_disabled' };
  return { ...base, status: 'pending' };
}
