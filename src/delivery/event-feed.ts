import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { EventStore, toStoredEvent } from '../store/event-store';
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
  const rows = await new EventStore(db).staleCursorDirectories(organizationId, entries.map(([k]) => k), entries.map(([, v]) => v));
  return rows.map((r) => ({ directoryId: r.directory_id, cursorSequence: r.seq, prunedThrough: r.pruned_through }));
}

export async function readEventFeed(db: Db, organizationId: string, cursor: FeedCursor, limit: number): Promise<FeedPage> {
  const entries = Object.entries(cursor);
  const page = await new EventStore(db).feedPage(organizationId, entries.map(([k]) => k), entries.map(([, v]) => v), limit + 1);
  const rows = page.slice(0, limit);
  const next = { ...cursor };
  // Only sequenced events match `seq > …`, so every row has its seq.
  for (const r of rows) next[r.directory_id] = Math.max(next[r.directory_id] ?? 0, r.seq ?? 0);
  return { events: await withAttributes(db, rows.map(toStoredEvent)), nextCursor: encodeCursor(next), hasMore: page.length > limit };
}
