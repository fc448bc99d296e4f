import { REPLAY_MARKER_LIFETIME_SECONDS } from './operation-store';

/**
 * The pruning statements of retention (docs/operations.md, "Retention"). Each one
 * deletes at most `limit` rows and is its own short transaction (autocommit), so
 * no statement holds row locks for long or blocks writers; the caller paces them.
 * Cutoffs are ages in seconds, measured against PostgreSQL's clock.
 */
export interface RetentionConnection {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}


export interface EventBatchResult {
  /** Events looked at (the batch), in seq order. */
  scanned: number;
  /** Highest seq looked at: the next batch starts after it. */
  lastSeq: number | null;
  /** The batch reached events younger than the cutoff: the rest of the directory is younger too (seq follows commit time). */
  reachedRecent: boolean;
  deleted: number;
}

export class RetentionStore {
  constructor(private readonly conn: RetentionConnection) {}

  /**
   * One batch of a directory's events, in seq order after `afterSeq`. An event is
   * deleted only when ALL of these hold:
   * - it has been sequenced (`seq IS NULL` never matches `seq > n`);
   * - it is older than the cutoff;
   * - every enabled sink of the organization has consumed it: its seq is <= the sink's
   *   cursor for the directory (a missing cursor counts as 0), or no sink is enabled;
   * - no `deliveries` row (failing, dead or replayed) and no dead letter refers to it,
   *   and no open circuit-breaker hold keeps it back.
   * The sink bound is read inside the statement, so it is as fresh as the delete. The
   * highest deleted seq is recorded in `event_retention_horizons` in the same
   * statement: the events API answers 410 Gone for a cursor below it.
   */
  async pruneEventBatch(directoryId: string, afterSeq: number, olderThanSeconds: number, limit: number): Promise<EventBatchResult> {
    const r = await this.conn.query({
      text: `WITH bound AS (
               SELECT min(coalesce(c.last_seq, 0)) AS seq
                 FROM sinks s LEFT JOIN delivery_cursors c ON c.sink_id = s.id AND c.directory_id = $1
                WHERE s.enabled AND s.organization_id = (SELECT organization_id FROM directories WHERE id = $1)),
             batch AS (
               SELECT e.id, e.seq, e.occurred_at FROM events e
                WHERE e.directory_id = $1 AND e.seq > $2
                  AND e.seq <= coalesce((SELECT seq FROM bound), 9007199254740991)
                ORDER BY e.seq LIMIT $4),
             doomed AS (
               SELECT b.id FROM batch b
                WHERE b.occurred_at < now() - make_interval(secs => $3)
                  AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.event_id = b.id)
                  AND NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.event_id = b.id)
                  -- An open circuit-breaker hold may still release it (docs/circuit-breaker.md).
                  AND NOT EXISTS (SELECT 1 FROM hold_events he JOIN holds h ON h.id = he.hold_id WHERE he.event_id = b.id AND h.status = 'held')),
             del AS (DELETE FROM events e USING doomed WHERE e.id = doomed.id RETURNING e.seq),
             horizon AS (
               INSERT INTO event_retention_horizons AS h (directory_id, pruned_through)
               SELECT $1, max(seq) FROM del HAVING count(*) > 0
               ON CONFLICT (directory_id) DO UPDATE SET pruned_through = greatest(h.pruned_through, excluded.pruned_through), updated_at = now())
             SELECT (SELECT count(*) FROM batch)::int AS scanned,
                    (SELECT max(seq) FROM batch) AS last_seq,
                    coalesce((SELECT bool_or(occurred_at >= now() - make_interval(secs => $3)) FROM batch), false) AS reached_recent,
                    (SELECT count(*) FROM del)::int AS deleted`,
      values: [directoryId, afterSeq, olderThanSeconds, limit],
    });
    const row = r.rows[0] as { scanned: number; last_seq: number | null; reached_recent: boolean; deleted: number };
    return { scanned: row.scanned, lastSeq: row.last_seq, reachedRecent: row.reached_recent, deleted: row.deleted };
  }

  /** One batch of a directory's SCIM write log older than the cutoff, oldest first (the (directory_id, applied_at) index). */
  async pruneOperationBatch(directoryId: string, olderThanSeconds: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM operations WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM operations
                WHERE directory_id = $1 AND applied_at < now() - make_interval(secs => $2)
                ORDER BY applied_at LIMIT $3))`,
      values: [directoryId, olderThanSeconds, limit],
    });
    return r.rowCount ?? 0;
  }

  /**
   * Delivered `deliveries` rows (a retried head or a replay that went through) older
   * than the cutoff, once the sink's cursor has passed their event: while the cursor
   * is still before it, the row is what tells the drain not to post the event again.
   */
  async pruneDeliveredBatch(olderThanSeconds: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM deliveries WHERE ctid = ANY(ARRAY(
               SELECT x.ctid FROM deliveries x
                WHERE x.status = 'delivered' AND coalesce(x.delivered_at, x.updated_at) < now() - make_interval(secs => $1)
                  AND EXISTS (SELECT 1 FROM events e JOIN delivery_cursors c ON c.sink_id = x.sink_id AND c.directory_id = e.directory_id
                               WHERE e.id = x.event_id AND e.seq <= c.last_seq)
                LIMIT $2))`,
      values: [olderThanSeconds, limit],
    });
    return r.rowCount ?? 0;
  }

  /** Dead letters replayed longer ago than the cutoff. Dead letters not replayed are never pruned. */
  async pruneReplayedDeadLetterBatch(olderThanSeconds: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM dead_letters WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM dead_letters WHERE replayed_at < now() - make_interval(secs => $1) LIMIT $2))`,
      values: [olderThanSeconds, limit],
    });
    return r.rowCount ?? 0;
  }

  /** Replay markers past their lifetime (no longer honoured by any lookup). */
  async pruneReplayMarkerBatch(limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM replay_markers WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM replay_markers WHERE created_at < now() - make_interval(secs => $1) LIMIT $2))`,
      values: [REPLAY_MARKER_LIFETIME_SECONDS, limit],
    });
    return r.rowCount ?? 0;
  }

  /**
   * One batch of a directory's rejected-request records (directory health) older than
   * the cutoff, oldest first, through the (directory_id, at, id) index.
   */
  async pruneRejectionBatch(directoryId: string, olderThanSeconds: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM scim_rejections WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM scim_rejections
                WHERE directory_id = $1 AND at < now() - make_interval(secs => $2)
                ORDER BY at, id LIMIT $3))`,
      values: [directoryId, olderThanSeconds, limit],
    });
    return r.rowCount ?? 0;
  }

  /** One batch of a directory's rejected-request records beyond the newest `keep` (the size cap). */
  async capRejectionBatch(directoryId: string, keep: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM scim_rejections WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM scim_rejections
                WHERE directory_id = $1
                ORDER BY at DESC, id DESC OFFSET $2 LIMIT $3))`,
      values: [directoryId, keep, limit],
    });
    return r.rowCount ?? 0;
  }

  /** One batch of a directory's hourly request counters whose hour ended before the cutoff. */
  async pruneRequestCountBatch(directoryId: string, olderThanSeconds: number, limit: number): Promise<number> {
    const r = await this.conn.query({
      text: `DELETE FROM scim_request_counts WHERE ctid = ANY(ARRAY(
               SELECT ctid FROM scim_request_counts
                WHERE directory_id = $1 AND hour < now() - make_interval(secs => $2) - interval '1 hour'
                ORDER BY hour LIMIT $3))`,
      values: [directoryId, olderThanSeconds, limit],
    });
    return r.rowCount ?? 0;
  }

  /** The advisory lock that makes one retention run at a time across every worker process. */
  async tryLock(key: readonly [number, number]): Promise<boolean> {
    const r = await this.conn.query({ text: 'SELECT pg_try_advisory_lock($1, $2) AS locked', values: [...key] });
    return (r.rows[0] as { locked: boolean }).locked;
  }

  /** A batch waits at most 2 s for a row lock a writer holds (then gives up until the next run), and runs at most 60 s. */
  async setSessionLimits(): Promise<void> {
    await this.conn.query({ text: `SET lock_timeout = '2s'`, values: [] });
    await this.conn.query({ text: `SET statement_timeout = '60s'`, values: [] });
  }

  /** Undoes {@link setSessionLimits} and releases the lock before the connection goes back to the pool. */
  async resetAndUnlock(key: readonly [number, number]): Promise<void> {
    await this.conn.query({ text: 'RESET lock_timeout', values: [] });
    await this.conn.query({ text: 'RESET statement_timeout', values: [] });
    await this.conn.query({ text: 'SELECT pg_advisory_unlock($1, $2)', values: [...key] });
  }

  /** Every directory id, in order (retention visits them one by one). */
  async directoryIds(): Promise<string[]> {
    return ((await this.conn.query({ text: 'SELECT id FROM directories ORDER BY id', values: [] })).rows as { id: string }[]).map((r) => r.id);
  }
}
