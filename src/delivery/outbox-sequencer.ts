import type { Db } from '../store/db';
import { SequenceStore } from '../store/sequence-store';
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
    const sequences = new SequenceStore(trx);
    const locked = new Map<string, number>();
    for (const r of await sequences.lockSkipLocked(directoryIds)) locked.set(r.directory_id, r.last_seq);
    const missing = directoryIds.filter((id) => !locked.has(id));
    if (missing.length) {
      // No row (a directory created before rows existed) or a busy one: rows this inserts are ours.
      for (const r of await sequences.insertMissing(missing)) locked.set(r.directory_id, r.last_seq);
    }
    for (const id of directoryIds) if (!locked.has(id)) out.set(id, { sequenced: 0, remaining: true, busy: true });
    if (!locked.size) return out;
    // A new statement, so a new snapshot taken after the locks: it sees every number
    // an earlier sequencer of these directories committed.
    const rows = await sequences.number(locked, limit);
    // A `directory.sync_held` event appended now is numbered by the next round.
    const appended = await judgeRound(trx, rows.flatMap((r) => r.judge ?? []), breaker);
    for (const r of rows) out.set(r.directory_id, { sequenced: r.sequenced, remaining: r.remaining || appended.has(r.directory_id), busy: false });
    return out;
  });
}
