import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { toStoredEvent } from '../store/event-store';
import { withAttributes } from './event-attributes';

/**
 * The polling feed of an organization's events. `seq` is per directory, so the
 * cursor is a vector: the last sequence seen per directory, as base64url JSON.
 * Sequences have no gaps and a number is never given to an event after a higher
 * one became visible (outbox-sequencer.ts), so "seq > cursor" per directory never
 * skips an event; events not yet sequenced (a few ms after commit) are not shown. Pages
 * interleave directories fairly (the n-th unseen event of each directory first).
 */
export type FeedCursor = Record<string, number>;

export function encodeCursor(c: FeedCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined): FeedCursor | undefined {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: FeedCursor = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (!/^[0-9a-f-]{36}$/i.test(k) || !Number.isSafeInteger(v) || (v as number) < 0) return undefined;
      out[k] = v as number;
    }
    return out;
  } catch {
    return undefined;
  }
}

export interface FeedPage {
  events: StoredEvent[];
  nextCursor: string;
  hasMore: boolean;
}

/** A directory of the cursor whose position is older than what retention kept. */
export interface StaleCursorEntry {
  directoryId: string;
  /** The cursor's position for the directory. */
  cursorSequence: number;
  /** Events of the directory up to this sequence may have been pruned. */
  prunedThrough: number;
}

/**
 * The directories (of this organization) where the cursor is older than the retention
 * horizon: retention pruned an event after the cursor's position, so reading on
 * would silently skip it (docs/delivery.md, "Retention and 410 Gone"). A directory
 * absent from the cursor is read from its oldest event kept, as a new cursor is: it
 * is never stale. One index probe per directory of the cursor.
 */
export async function staleCursorEntries(db: Db, organizationId: string, cursor: FeedCursor): Promise<StaleCursorEntry[]> {
  const entries = Object.entries(cursor);
  if (!entries.length) return [];
  const result = await db.raw<{ rows: { directory_id: string; seq: number; pruned_through: number }[] }>(
    `SELECT c.directory_id, c.seq, h.pruned_through
       FROM unnest(?::uuid[], ?::bigint[]) AS c(directory_id, seq)
       JOIN event_retention_horizons h ON h.directory_id = c.directory_id
       JOIN directories d ON d.id = c.directory_id AND d.organization_id = ?
      WHERE c.seq < h.pruned_through
      ORDER BY c.directory_id`,
    [entries.map(([k]) => k), entries.map(([, v]) => v), organizationId],
  );
  return result.rows.map((r) => ({ directoryId: r.directory_id, cursorSequence: r.seq, prunedThrough: r.pruned_through }));
}

export async function readEventFeed(db: Db, organizationId: string, cursor: FeedCursor, limit: number): Promise<FeedPage> {
  const entries = Object.entries(cursor);
  const result = await db.raw<{ rows: Parameters<typeof toStoredEvent>[0][] }>(
    `WITH c(directory_id, seq) AS (SELECT * FROM unnest(?::uuid[], ?::bigint[]))
     SELECT * FROM (
       SELECT e.*, row_number() OVER (PARTITION BY e.directory_id ORDER BY e.seq) AS rn
         FROM events e LEFT JOIN c ON c.directory_id = e.directory_id
        -- Events a circuit-breaker hold keeps back are delivered to no consumer; a release re-issues them as new events.
        WHERE e.organization_id = ? AND e.seq > coalesce(c.seq, 0) AND e.held_by IS NULL
     ) x
     ORDER BY rn, occurred_at, directory_id
     LIMIT ?`,
    [entries.map(([k]) => k), entries.map(([, v]) => v), organizationId, limit + 1],
  );
  const rows = result.rows.slice(0, limit);
  const next = { ...cursor };
  // Only sequenced events match `seq > …`, so every row has its seq.
  for (const r of rows) next[r.directory_id] = Math.max(next[r.directory_id] ?? 0, r.seq ?? 0);
  return { events: await withAttributes(db, rows.map(toStoredEvent)), nextCursor: encodeCursor(next), hasMore: result.rows.length > limit };
}
