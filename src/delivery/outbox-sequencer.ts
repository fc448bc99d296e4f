import type { Db } from '../store/db';

export interface SequenceResult {
  /** Events numbered by this call. */
  sequenced: number;
  /** Unsequenced events remain (in flight below xmin, held for version order, or beyond the limit). */
  remaining: boolean;
  /** Another process holds the directory's sequencer lock: try again shortly. */
  busy: boolean;
}

/**
 * Numbers the committed events of one directory: `seq` = last_seq + 1, 2, … in
 * (txid, ordinal) order, over events whose transaction id is below the snapshot's
 * xmin. Why that is safe (docs/delivery.md "Sequencing"):
 * - every transaction with an id below xmin has ended, so the visible events below
 *   xmin are all the events that will ever exist below it; a transaction that has
 *   not written yet gets an id >= xmin. Numbering them never leaves a gap that a
 *   later commit could fill: a cursor at seq N never skips an event;
 * - events of one transaction keep their insertion order (ordinal).
 *
 * Per-resource version order. Transaction ids are handed out at a transaction's
 * first write, not at commit, so a transaction that wrote something else first can
 * hold a smaller id than the one whose newer version of the same resource it then
 * waited for. Two rules keep each resource's events in version order anyway:
 * - within a batch, the positions that one resource's events occupy are refilled
 *   with those events sorted by version;
 * - an event is held back while an unsequenced event of the same resource with a
 *   lower version is left out of the batch (not yet below xmin, or beyond the limit).
 *   The lower version committed first (its row lock was waited for), so it is
 *   already visible: it is never missed, only waited for.
 *
 * Runs under the directory's `event_sequences` row lock (SKIP LOCKED: a busy
 * directory is left to the process holding it). Writers never take that lock.
 */
export async function sequenceDirectory(db: Db, directoryId: string, limit = 5000): Promise<SequenceResult> {
  return db.transaction(async (trx) => {
    let locked = await trx.raw<{ rows: { last_seq: string }[] }>('SELECT last_seq FROM event_sequences WHERE directory_id = ? FOR UPDATE SKIP LOCKED', [directoryId]);
    if (!locked.rows.length) {
      // No row (a directory created before rows existed) or a busy one.
      const inserted = await trx.raw<{ rows: { last_seq: string }[] }>('INSERT INTO event_sequences (directory_id, last_seq) SELECT id, 0 FROM directories WHERE id = ? ON CONFLICT DO NOTHING RETURNING last_seq', [directoryId]);
      if (!inserted.rows.length) return { sequenced: 0, remaining: true, busy: true };
      locked = inserted;
    }
    // A new statement, so a new snapshot taken after the lock: it sees every number
    // an earlier sequencer of this directory committed.
    const result = await trx.raw<{ rows: { sequenced: number; remaining: boolean }[] }>(
      `WITH cand AS (
         SELECT e.id, e.resource_type, e.resource_id, e.resource_version, e.txid, e.ordinal
           FROM events e
          WHERE e.directory_id = :dir AND e.seq IS NULL AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY e.txid, e.ordinal
          LIMIT :limit
       ), left_out AS (
         SELECT f.resource_id, min(f.resource_version) AS v
           FROM events f
          WHERE f.resource_id IN (SELECT resource_id FROM cand) AND f.seq IS NULL AND f.directory_id = :dir
            AND f.id NOT IN (SELECT id FROM cand)
          GROUP BY f.resource_id
       ), ok AS (
         SELECT c.* FROM cand c LEFT JOIN left_out l ON l.resource_id = c.resource_id
          WHERE l.v IS NULL OR c.resource_version <= l.v
       ), pos AS (
         SELECT id, resource_type, resource_id,
                row_number() OVER (ORDER BY txid, ordinal) AS p,
                row_number() OVER (PARTITION BY resource_type, resource_id ORDER BY txid, ordinal) AS slot,
                row_number() OVER (PARTITION BY resource_type, resource_id ORDER BY resource_version, txid, ordinal) AS rank
           FROM ok
       ), assigned AS (
         SELECT b.id, a.p FROM pos a JOIN pos b ON b.resource_type = a.resource_type AND b.resource_id = a.resource_id AND b.rank = a.slot
       ), numbered AS (
         UPDATE events e SET seq = CAST(:last AS bigint) + assigned.p FROM assigned WHERE e.id = assigned.id RETURNING e.id
       ), bumped AS (
         UPDATE event_sequences SET last_seq = last_seq + (SELECT count(*) FROM numbered)
          WHERE directory_id = :dir AND EXISTS (SELECT 1 FROM numbered) RETURNING last_seq
       )
       SELECT (SELECT count(*) FROM numbered)::int AS sequenced,
              EXISTS (SELECT 1 FROM events r WHERE r.directory_id = :dir AND r.seq IS NULL AND r.id NOT IN (SELECT id FROM ok)) AS remaining`,
      { dir: directoryId, limit, last: locked.rows[0]?.last_seq ?? '0' },
    );
    const row = result.rows[0];
    return { sequenced: row?.sequenced ?? 0, remaining: row?.remaining ?? false, busy: false };
  });
}
