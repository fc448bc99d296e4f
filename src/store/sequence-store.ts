import type { Queryable } from './db';

/**
 * `event_sequences` and the numbering of outbox events: the statements of the outbox
 * sequencer (src/delivery/outbox-sequencer.ts explains why the order they give is safe to
 * rely on). Construct it with the sequencer's transaction: the row locks taken by
 * {@link lockSkipLocked} must be held until the numbers commit.
 */
export class SequenceStore {
  constructor(private readonly db: Queryable) {}

  /** Locks the sequence rows of the directories no other sequencer holds (SKIP LOCKED). */
  async lockSkipLocked(directoryIds: string[]): Promise<{ directory_id: string; last_seq: number }[]> {
    const r = await this.db.raw<{ rows: { directory_id: string; last_seq: number }[] }>(
      'SELECT directory_id, last_seq FROM event_sequences WHERE directory_id = ANY(CAST(? AS uuid[])) ORDER BY directory_id FOR UPDATE SKIP LOCKED',
      [directoryIds],
    );
    return r.rows;
  }

  /** Creates (and so holds) the missing sequence rows of existing directories. */
  async insertMissing(directoryIds: string[]): Promise<{ directory_id: string; last_seq: number }[]> {
    const r = await this.db.raw<{ rows: { directory_id: string; last_seq: number }[] }>(
      'INSERT INTO event_sequences (directory_id, last_seq) SELECT id, 0 FROM directories WHERE id = ANY(CAST(? AS uuid[])) ON CONFLICT DO NOTHING RETURNING directory_id, last_seq',
      [directoryIds],
    );
    return r.rows;
  }

  /**
   * Numbers the visible unsequenced events of the locked directories (up to `limit`
   * each) and moves their `last_seq`, in one statement. Per directory: how many were
   * numbered, whether unsequenced events remain, and which numbered events the circuit
   * breaker must judge (none in a round without destructive changes or holds).
   */
  async number(locked: Map<string, number>, limit: number): Promise<{ directory_id: string; sequenced: number; remaining: boolean; judge: string[] | null }[]> {
    const result = await this.db.raw<{ rows: { directory_id: string; sequenced: number; remaining: boolean; judge: string[] | null }[] }>(
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
    return result.rows;
  }
}
