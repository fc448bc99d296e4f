import type { Knex } from 'knex';
import type { Db } from './db';
import type { StoredEvent } from '../events/event-types';
import { toStoredEvent } from './event-store';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryRow {
  event_id: string;
  sink_id: string;
  organization_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
}

export interface DeadLetter {
  id: string;
  organizationId: string;
  eventId: string;
  eventType: string;
  sinkId: string;
  sinkName: string;
  attempts: number;
  lastStatus: number | null;
  error: string;
  createdAt: Date;
  replayedAt: Date | null;
}

/** A (event, sink) pair that still has to be delivered. */
export interface DeliveryKey {
  eventId: string;
  sinkId: string;
  organizationId: string;
}

/**
 * Delivery rows and dead letters. Delivered-ness is the (sink, directory) cursor
 * (delivery-cursor-store.ts); a row exists only for a delivery that failed (pending
 * retry, with its attempts), was dead-lettered, or was replayed.
 */
export class DeliveryStore {
  constructor(private readonly db: Db) {}

  /**
   * Occurred-at of the oldest event not yet delivered to some enabled sink, or not yet
   * sequenced (null: nothing pending). One index probe per (enabled sink, directory)
   * cursor and one on the unsequenced partial index: the cost follows directories ×
   * sinks, not the size of the outbox.
   */
  async oldestUndeliveredAt(): Promise<Date | null> {
    const r = await this.db.raw<{ rows: { at: Date | null }[] }>(
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
    return r.rows[0]?.at ?? null;
  }

  /** Deliveries waiting for a retry, and failed attempts recorded (beyond the first). */
  async failureCounts(): Promise<{ pending: number; retries: number }> {
    const r = await this.db.raw<{ rows: { pending: number; retries: number }[] }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              coalesce(sum(greatest(attempts - 1, 0)), 0)::int AS retries
         FROM deliveries`,
    );
    return { pending: r.rows[0]?.pending ?? 0, retries: r.rows[0]?.retries ?? 0 };
  }

  /** Dead letters not replayed. */
  async openDeadLetterCount(): Promise<number> {
    const r = await this.db.raw<{ rows: { n: number }[] }>(`SELECT count(*)::int AS n FROM dead_letters WHERE replayed_at IS NULL`);
    return r.rows[0]?.n ?? 0;
  }

  /** Status and next attempt of one (event, sink) delivery, if a row exists (only failures have one). */
  async attemptState(eventId: string, sinkId: string): Promise<{ status: string; next_attempt_at: Date | null } | undefined> {
    return this.db('deliveries').where({ event_id: eventId, sink_id: sinkId }).first('status', 'next_attempt_at');
  }

  async event(eventId: string): Promise<StoredEvent | undefined> {
    const row = await this.db('events').where({ id: eventId }).first();
    return row ? toStoredEvent(row) : undefined;
  }

  /** Creates the row if missing and locks it for the rest of the transaction. */
  async lock(trx: Knex.Transaction, key: DeliveryKey): Promise<DeliveryRow> {
    await trx('deliveries').insert({ event_id: key.eventId, sink_id: key.sinkId, organization_id: key.organizationId }).onConflict(['event_id', 'sink_id']).ignore();
    return (await trx('deliveries').where({ event_id: key.eventId, sink_id: key.sinkId }).forUpdate().first()) as DeliveryRow;
  }

  async markDelivered(trx: Knex.Transaction | Db, key: DeliveryKey, attempts: number, httpStatus: number | null): Promise<void> {
    await trx('deliveries')
      .where({ event_id: key.eventId, sink_id: key.sinkId })
      .update({ status: 'delivered', attempts, last_status: httpStatus, last_error: null, next_attempt_at: null, delivered_at: trx.fn.now(), updated_at: trx.fn.now() });
  }

  async recordFailure(key: DeliveryKey, attempts: number, httpStatus: number | null, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db('deliveries')
      .where({ event_id: key.eventId, sink_id: key.sinkId })
      .update({ attempts, last_status: httpStatus, last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt, updated_at: this.db.fn.now() });
  }

  /** Final failure: the delivery is dead and a dead letter records why (same transaction). */
  async deadLetter(key: DeliveryKey, attempts: number, httpStatus: number | null, error: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const changed = await trx('deliveries')
        .where({ event_id: key.eventId, sink_id: key.sinkId })
        .whereNot({ status: 'dead' })
        .update({ status: 'dead', attempts, last_status: httpStatus, last_error: error.slice(0, 1000), next_attempt_at: null, updated_at: trx.fn.now() });
      if (changed) {
        await trx('dead_letters').insert({ organization_id: key.organizationId, event_id: key.eventId, sink_id: key.sinkId, attempts, last_status: httpStatus, error: error.slice(0, 1000) });
      }
    });
  }

  async listDeadLetters(organizationId: string, opts: { includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    const q = this.db('dead_letters as l')
      .join('events as e', 'e.id', 'l.event_id')
      .join('sinks as s', 's.id', 'l.sink_id')
      .where('l.organization_id', organizationId)
      .orderBy('l.created_at', 'desc')
      .limit(opts.limit ?? 500)
      .select('l.*', 'e.type as event_type', 's.name as sink_name');
    if (!opts.includeReplayed) void q.whereNull('l.replayed_at');
    const rows: { id: string; organization_id: string; event_id: string; event_type: string; sink_id: string; sink_name: string; attempts: number; last_status: number | null; error: string; created_at: Date; replayed_at: Date | null }[] = await q;
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      eventId: r.event_id,
      eventType: r.event_type,
      sinkId: r.sink_id,
      sinkName: r.sink_name,
      attempts: r.attempts,
      lastStatus: r.last_status,
      error: r.error,
      createdAt: r.created_at,
      replayedAt: r.replayed_at,
    }));
  }

  /**
   * Marks dead letters replayed and puts their deliveries back to pending with a
   * fresh attempt budget. Returns the keys to enqueue.
   */
  async reopenDeadLetters(organizationId: string, eventId?: string): Promise<DeliveryKey[]> {
    return this.db.transaction(async (trx) => {
      const q = trx('dead_letters').where({ organization_id: organizationId }).whereNull('replayed_at');
      if (eventId) void q.where({ event_id: eventId });
      const rows: { event_id: string; sink_id: string }[] = await q.update({ replayed_at: trx.fn.now() }).returning(['event_id', 'sink_id']);
      const keys = new Map<string, DeliveryKey>();
      for (const r of rows) keys.set(`${r.event_id}/${r.sink_id}`, { eventId: r.event_id, sinkId: r.sink_id, organizationId });
      for (const k of keys.values()) {
        await trx('deliveries')
          .where({ event_id: k.eventId, sink_id: k.sinkId, status: 'dead' })
          .update({ status: 'pending', attempts: 0, next_attempt_at: trx.fn.now(), updated_at: trx.fn.now() });
      }
      return [...keys.values()];
    });
  }
}
