import type { Db } from '../store/db';

export interface SequenceResult {
  /** Events numbered by this call. */
  sequenced: number;
  /** Visible unsequenced events remain (held for version order, or beyond the limit). */
  remaining: boolean;
  /** Another process holds the directory's sequencer lock: try again shortly. */
  busy: boolean;
}

/**
 * Numbers the committed events of one directory: `seq` = last_seq + 1, 2, … over
 * the unsequenced events visible now, in (txid, ordinal) order, in one transaction
 * under the directory's `event_sequences` row lock (SKIP LOCKED: a busy directory
 * is left to the process holding it; writers never take that lock).
 *
 * Why consumers reading `seq > cursor` never skip an event (docs/delivery.md):
 * - numbers are only ever handed out above every number already given, by one
 *   sequencer at a time, which reads `last_seq` in a statement started after it
 *   took the lock; its numbers become visible together at its commit, and
 *   sequencer commits are visible in the order they happened. Any snapshot sees
 *   exactly 1..L for some L: no gap, and no event gets a lower number later;
 * - a transaction still open is invisible, so its events are not numbered until it
 *   commits; then they get numbers after every event numbered meanwhile. Across
 *   batches the order is commit order; within a batch, (txid, ordinal): events of
 *   one transaction keep their insertion order.
 *
 * Per-resource version order. Versions of a resource are written under its row
 * lock, so a newer version commits after the older one: whenever the newer one is
 * visible, the older one is too. Within a batch, the positions one resource's
 * events occupy are refilled with those events sorted by version (transaction ids
 * are handed out at a transaction's first write, not at commit, so (txid, ordinal)
 * alone could invert them); and an event is held back while a lower version of the
 * same resource is still unsequenced outside the batch (beyond `limit`).
 *
 * The alternative of numbering only events below the snapshot's xmin (so the order
 * would be exactly (txid, ordinal)) makes every open write transaction in
 * the whole PostgreSQL cluster, any database, hold all numbering back; measured on
 * a shared server it left most runs with nothing to number (docs/delivery.md).
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
          WHERE e.directory_id = :dir AND e.seq IS NULL
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
