import type { Knex } from 'knex';
import type { Db } from './db';
import type { StoredEvent } from '../events/event-types';
import { toStoredEvent } from './event-store';

type EventRow = Parameters<typeof toStoredEvent>[0];

export interface CursorKey {
  sinkId: string;
  directoryId: string;
  organizationId: string;
}

/** One string per (sink, directory), for maps. */
export const cursorId = (k: Pick<CursorKey, 'sinkId' | 'directoryId'>): string => `${k.sinkId}/${k.directoryId}`;

export interface LockedBatch {
  lastSeq: number;
  headFailing: boolean;
  events: StoredEvent[];
}

/** A directory with delivery work somewhere: unsequenced events, or a sink cursor behind and not waiting for a retry. */
export interface DirectoryWork {
  directoryId: string;
  organizationId: string;
}

/**
 * Per (sink, directory) delivery cursors: every event with seq <= last_seq is
 * delivered to the sink or dead-lettered (docs/delivery.md).
 */
export class DeliveryCursorStore {
  constructor(private readonly db: Db) {}

  /** Creates the cursor if missing; true when this call created it. */
  async ensure(key: CursorKey): Promise<boolean> {
    const r = await this.db.raw<{ rowCount: number }>(
      'INSERT INTO delivery_cursors (sink_id, directory_id, organization_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [key.sinkId, key.directoryId, key.organizationId],
    );
    return r.rowCount > 0;
  }

  /**
   * Locks the cursor for the rest of `trx` (SKIP LOCKED: undefined when another drain
   * holds it, or when it does not exist) and reads the next events after it, in one
   * statement. The lock returns the cursor's latest committed position, so events
   * read after it were never applied by an earlier drain.
   */
  async lockWithEvents(trx: Knex.Transaction, key: CursorKey, limit: number): Promise<LockedBatch | undefined> {
    const r = await trx.raw<{ rows: (EventRow & { cursor_seq: number; head_failing: boolean })[] }>(
      `WITH c AS (SELECT last_seq, head_failing FROM delivery_cursors WHERE sink_id = :sink AND directory_id = :dir FOR UPDATE SKIP LOCKED)
       SELECT c.last_seq AS cursor_seq, c.head_failing, e.*
         FROM c LEFT JOIN LATERAL (SELECT * FROM events WHERE directory_id = :dir AND seq > c.last_seq ORDER BY seq LIMIT :limit) e ON true
        ORDER BY e.seq`,
      { sink: key.sinkId, dir: key.directoryId, limit },
    );
    const first = r.rows[0];
    if (!first) return undefined;
    return { lastSeq: first.cursor_seq, headFailing: first.head_failing, events: r.rows.filter((row) => row.id !== null).map(toStoredEvent) };
  }

  /** Creates the missing cursors of many keys in one statement. */
  async ensureMany(keys: CursorKey[]): Promise<void> {
    if (!keys.length) return;
    await this.db.raw(
      `INSERT INTO delivery_cursors (sink_id, directory_id, organization_id)
       SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS uuid[])) ON CONFLICT DO NOTHING`,
      [keys.map((k) => k.sinkId), keys.map((k) => k.directoryId), keys.map((k) => k.organizationId)],
    );
  }

  /**
   * `lockWithEvents` for many cursors in one statement: the cursors this call could
   * lock (SKIP LOCKED), each with up to `limit` events after it. Cursors missing or
   * held by another drain are absent from the result.
   */
  async lockManyWithEvents(trx: Knex.Transaction, keys: CursorKey[], limit: number): Promise<Map<string, LockedBatch>> {
    const r = await trx.raw<{ rows: (EventRow & { cursor_sink: string; cursor_dir: string; cursor_seq: number; head_failing: boolean })[] }>(
      `WITH k(sink_id, directory_id) AS (SELECT * FROM unnest(CAST(:sinks AS uuid[]), CAST(:dirs AS uuid[]))),
       c AS (SELECT dc.sink_id, dc.directory_id, dc.last_seq, dc.head_failing
               FROM delivery_cursors dc JOIN k ON k.sink_id = dc.sink_id AND k.directory_id = dc.directory_id
              ORDER BY dc.sink_id, dc.directory_id
                FOR UPDATE OF dc SKIP LOCKED)
       SELECT c.sink_id AS cursor_sink, c.directory_id AS cursor_dir, c.last_seq AS cursor_seq, c.head_failing, e.*
         FROM c LEFT JOIN LATERAL (SELECT * FROM events WHERE directory_id = c.directory_id AND seq > c.last_seq ORDER BY seq LIMIT :limit) e ON true
        ORDER BY c.directory_id, e.seq`,
      { sinks: keys.map((k) => k.sinkId), dirs: keys.map((k) => k.directoryId), limit },
    );
    const out = new Map<string, LockedBatch>();
    for (const row of r.rows) {
      const id = cursorId({ sinkId: row.cursor_sink, directoryId: row.cursor_dir });
      let batch = out.get(id);
      if (!batch) out.set(id, (batch = { lastSeq: row.cursor_seq, headFailing: row.head_failing, events: [] }));
      if (row.id !== null) batch.events.push(toStoredEvent(row));
    }
    return out;
  }

  /** Moves many cursors forward in one statement. */
  async advanceMany(trx: Knex.Transaction, moves: { key: CursorKey; lastSeq: number }[]): Promise<void> {
    if (!moves.length) return;
    await trx.raw(
      `UPDATE delivery_cursors c SET last_seq = greatest(c.last_seq, x.seq), head_failing = false, updated_at = now()
         FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS bigint[])) AS x(sink_id, directory_id, seq)
        WHERE c.sink_id = x.sink_id AND c.directory_id = x.directory_id`,
      [moves.map((m) => m.key.sinkId), moves.map((m) => m.key.directoryId), moves.map((m) => m.lastSeq)],
    );
  }

  /** Takes the cursor's lease (webhook drains post outside any transaction). */
  async lease(key: CursorKey, owner: string, ms: number): Promise<{ lastSeq: number; headFailing: boolean } | undefined> {
    const r = await this.db.raw<{ rows: { last_seq: number; head_failing: boolean }[] }>(
      `UPDATE delivery_cursors SET lease_owner = :owner, lease_until = now() + make_interval(secs => :secs)
        WHERE sink_id = :sink AND directory_id = :dir AND (lease_until IS NULL OR lease_until < now() OR lease_owner = :owner)
        RETURNING last_seq, head_failing`,
      { owner, secs: ms / 1000, sink: key.sinkId, dir: key.directoryId },
    );
    const row = r.rows[0];
    return row ? { lastSeq: row.last_seq, headFailing: row.head_failing } : undefined;
  }

  /** Extends a lease still held by `owner` and records the progress made so far; false when the lease was lost. */
  async renewLease(key: CursorKey, owner: string, ms: number, lastSeq: number): Promise<boolean> {
    const r = await this.db.raw<{ rowCount: number }>(
      `UPDATE delivery_cursors SET lease_until = now() + make_interval(secs => :secs), last_seq = greatest(last_seq, :seq), updated_at = now()
        WHERE sink_id = :sink AND directory_id = :dir AND lease_owner = :owner`,
      { secs: ms / 1000, seq: lastSeq, sink: key.sinkId, dir: key.directoryId, owner },
    );
    return r.rowCount > 0;
  }

  async events(directoryId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows: EventRow[] = await this.db('events').where({ directory_id: directoryId }).andWhere('seq', '>', afterSeq).orderBy('seq').limit(limit);
    return rows.map(toStoredEvent);
  }

  /** Moves the cursor (and ends a lease held by `owner`, if given). Never moves it backwards. */
  async advance(trx: Knex.Transaction | Db, key: CursorKey, lastSeq: number, headFailing: boolean, owner?: string): Promise<void> {
    await trx.raw(
      `UPDATE delivery_cursors SET last_seq = greatest(last_seq, :seq), head_failing = :hf, updated_at = now()
              ${owner ? ', lease_until = NULL, lease_owner = NULL' : ''}
        WHERE sink_id = :sink AND directory_id = :dir ${owner ? 'AND lease_owner = :owner' : ''}`,
      { seq: lastSeq, hf: headFailing, sink: key.sinkId, dir: key.directoryId, ...(owner ? { owner } : {}) },
    );
  }

  /**
   * The backstop poll: directories with unsequenced events, or with an enabled sink
   * whose cursor is behind the directory's sequence and not waiting for a retry.
   * One statement; its cost grows with directories × sinks, not with events.
   */
  async directoriesWithWork(limit: number): Promise<DirectoryWork[]> {
    const r = await this.db.raw<{ rows: { id: string; organization_id: string }[] }>(
      `SELECT d.id, d.organization_id
         FROM directories d LEFT JOIN event_sequences q ON q.directory_id = d.id
        WHERE EXISTS (SELECT 1 FROM events e WHERE e.directory_id = d.id AND e.seq IS NULL)
           OR EXISTS (
                SELECT 1 FROM sinks s LEFT JOIN delivery_cursors c ON c.sink_id = s.id AND c.directory_id = d.id
                 WHERE s.organization_id = d.organization_id AND s.enabled AND coalesce(c.last_seq, 0) < coalesce(q.last_seq, 0)
                   AND NOT (coalesce(c.head_failing, false) AND EXISTS (
                         SELECT 1 FROM events h JOIN deliveries x ON x.event_id = h.id AND x.sink_id = s.id
                          WHERE h.directory_id = d.id AND h.seq = c.last_seq + 1 AND x.status = 'pending' AND x.next_attempt_at > now())))
        LIMIT ?`,
      [limit],
    );
    return r.rows.map((row) => ({ directoryId: row.id, organizationId: row.organization_id }));
  }

  /**
   * Claims replayed (or otherwise reopened) deliveries that the cursor has already
   * passed and that are due: their next attempt moves `claimMs` ahead, so another
   * worker's poll does not post them too; the attempt then records its own outcome
   * (delivered, next attempt, or dead).
   */
  async claimDueReplays(limit: number, claimMs: number): Promise<{ eventId: string; sinkId: string; organizationId: string }[]> {
    const r = await this.db.raw<{ rows: { event_id: string; sink_id: string; organization_id: string }[] }>(
      `WITH due AS (
         SELECT x.event_id, x.sink_id
           FROM deliveries x
           JOIN events e ON e.id = x.event_id
           JOIN delivery_cursors c ON c.sink_id = x.sink_id AND c.directory_id = e.directory_id
          WHERE x.status = 'pending' AND coalesce(x.next_attempt_at, x.updated_at) <= now() AND e.seq <= c.last_seq
          ORDER BY e.seq
          LIMIT :limit
            FOR UPDATE OF x SKIP LOCKED)
       UPDATE deliveries x SET next_attempt_at = now() + make_interval(secs => :secs), updated_at = now()
         FROM due WHERE x.event_id = due.event_id AND x.sink_id = due.sink_id
       RETURNING x.event_id, x.sink_id, x.organization_id`,
      { limit, secs: claimMs / 1000 },
    );
    return r.rows.map((row) => ({ eventId: row.event_id, sinkId: row.sink_id, organizationId: row.organization_id }));
  }
}
