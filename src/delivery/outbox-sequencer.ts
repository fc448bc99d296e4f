import type { Db } from '../store/db';
import { judgeRound, BUILT_IN_BREAKER_DEFAULTS, type BreakerDefaults } from './circuit-breaker';

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
export async function sequenceDirectory(db: Db, directoryId: string, limit = 5000, breaker: BreakerDefaults = BUILT_IN_BREAKER_DEFAULTS): Promise<SequenceResult> {
  return (await sequenceDirectories(db, [directoryId], limit, breaker)).get(directoryId) ?? { sequenced: 0, remaining: true, busy: true };
}

/**
 * The same for many directories in ONE transaction of four statements (BEGIN, lock,
 * number, COMMIT), up to `limit` events per directory: with a hundred tenants
 * importing at once, sequencing costs four statements per round, not per directory.
 *
 * The deprovisioning circuit breaker judges the events numbered, in the same
 * transaction (circuit-breaker.ts). The numbering statement itself says which events
 * need judging (destructive ones, or all of a directory with a hold); a round with
 * none costs no statement more, and one with some a few.
 */
export async function sequenceDirectories(db: Db, directoryIds: string[], limit = 5000, breaker: BreakerDefaults = BUILT_IN_BREAKER_DEFAULTS): Promise<Map<string, SequenceResult>> {
  const out = new Map<string, SequenceResult>();
  if (!directoryIds.length) return out;
  return db.transaction(async (trx) => {
    const locked = new Map<string, number>();
    const rows = await trx.raw<{ rows: { directory_id: string; last_seq: number }[] }>(
      'SELECT directory_id, last_seq FROM event_sequences WHERE directory_id = ANY(CAST(? AS uuid[])) ORDER BY directory_id FOR UPDATE SKIP LOCKED',
      [directoryIds],
    );
    for (const r of rows.rows) locked.set(r.directory_id, r.last_seq);
    const missing = directoryIds.filter((id) => !locked.has(id));
    if (missing.length) {
      // No row (a directory created before rows existed) or a busy one: rows this inserts are ours.
      const inserted = await trx.raw<{ rows: { directory_id: string; last_seq: number }[] }>(
        'INSERT INTO event_sequences (directory_id, last_seq) SELECT id, 0 FROM directories WHERE id = ANY(CAST(? AS uuid[])) ON CONFLICT DO NOTHING RETURNING directory_id, last_seq',
        [missing],
      );
      for (const r of inserted.rows) locked.set(r.directory_id, r.last_seq);
    }
    for (const id of directoryIds) if (!locked.has(id)) out.set(id, { sequenced: 0, remaining: true, busy: true });
    if (!locked.size) return out;
    // A new statement, so a new snapshot taken after the locks: it sees every number
    // an earlier sequencer of these directories committed.
    const result = await trx.raw<{ rows: { directory_id: string; sequenced: number; remaining: boolean; judge: string[] | null }[] }>(
      `WITH locked(directory_id, last_seq) AS (SELECT * FROM unnest(CAST(:dirs AS uuid[]), CAST(:lasts AS bigint[]))),
       cand AS (
         SELECT * FROM (
           SELECT e.id, e.directory_id, e.resource_type, e.resource_id, e.resource_version, e.txid, e.ordinal,
                  row_number() OVER (PARTITION BY e.directory_id ORDER BY e.txid, e.ordinal) AS k
             FROM events e JOIN locked l ON l.directory_id = e.directory_id
            WHERE e.seq IS NULL) x
          WHERE x.k <= :limit
       ), left_out AS (
         SELECT f.directory_id, f.resource_id, min(f.resource_version) AS v
           FROM events f
          WHERE f.resource_id IN (SELECT resource_id FROM cand) AND f.seq IS NULL
            AND f.directory_id IN (SELECT directory_id FROM locked) AND f.id NOT IN (SELECT id FROM cand)
          GROUP BY f.directory_id, f.resource_id
       ), ok AS (
         SELECT c.* FROM cand c LEFT JOIN left_out l ON l.directory_id = c.directory_id AND l.resource_id = c.resource_id
          WHERE l.v IS NULL OR c.resource_version <= l.v
       ), pos AS (
         SELECT id, directory_id, resource_type, resource_id,
                row_number() OVER (PARTITION BY directory_id ORDER BY txid, ordinal) AS p,
                row_number() OVER (PARTITION BY directory_id, resource_type, resource_id ORDER BY txid, ordinal) AS slot,
                row_number() OVER (PARTITION BY directory_id, resource_type, resource_id ORDER BY resource_version, txid, ordinal) AS rank
           FROM ok
       ), assigned AS (
         SELECT b.id, a.directory_id, a.p FROM pos a
           JOIN pos b ON b.directory_id = a.directory_id AND b.resource_type = a.resource_type AND b.resource_id = a.resource_id AND b.rank = a.slot
       ), numbered AS (
         UPDATE events e SET seq = l.last_seq + assigned.p
           FROM assigned JOIN locked l ON l.directory_id = assigned.directory_id
          WHERE e.id = assigned.id
         RETURNING e.directory_id, e.id, e.resource_type,
                   -- Could take access away (circuit-breaker.ts judges it): a deactivation, a deletion,
                   -- an update to an inactive state, a group deletion, a membership removal.
                   (e.type IN ('user.deactivated', 'user.deleted', 'group.deleted', 'group.user_removed')
                    OR (e.type = 'user.updated' AND e.data->'resource'->>'active' = 'false')) AS destructive
       ), counts AS (
         SELECT directory_id, count(*) AS n FROM numbered GROUP BY directory_id
       ), bumped AS (
         UPDATE event_sequences s SET last_seq = s.last_seq + counts.n FROM counts WHERE s.directory_id = counts.directory_id RETURNING s.directory_id
       )
       SELECT l.directory_id,
              -- The events the circuit breaker must judge: the destructive ones; every one while the
              -- directory has an open hold; user events while a discarded hold still protects someone.
              -- Usually none, and then the breaker costs this round nothing more.
              (SELECT array_agg(nb.id) FROM numbered nb
                WHERE nb.directory_id = l.directory_id
                  AND (nb.destructive
                       OR EXISTS (SELECT 1 FROM holds h WHERE h.directory_id = l.directory_id AND h.status = 'held')
                       OR (nb.resource_type = 'user' AND EXISTS (SELECT 1 FROM hold_people hp WHERE hp.directory_id = l.directory_id AND hp.preserve AND NOT hp.cancelled)))) AS judge,
              coalesce((SELECT n FROM counts WHERE counts.directory_id = l.directory_id), 0)::int AS sequenced,
              EXISTS (SELECT 1 FROM events r WHERE r.directory_id = l.directory_id AND r.seq IS NULL AND r.id NOT IN (SELECT id FROM ok)) AS remaining
         FROM locked l`,
      { dirs: [...locked.keys()], lasts: [...locked.values()], limit },
    );
    // A `directory.sync_held` event appended now is numbered by the next round.
    const appended = await judgeRound(trx, result.rows.flatMap((r) => r.judge ?? []), breaker);
    for (const r of result.rows) out.set(r.directory_id, { sequenced: r.sequenced, remaining: r.remaining || appended.has(r.directory_id), busy: false });
    return out;
  });
}
