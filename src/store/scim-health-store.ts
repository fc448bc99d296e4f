import type { Knex } from 'knex';
import type { Db } from './db';
import { rejectionShare, type HourBucket, type RejectionShare } from '../common/rejection-share';

/** One rejected SCIM request (4xx) of an authenticated directory. Never a value, a token or a body. */
export interface RejectionRecord {
  directoryId: string;
  at: Date;
  method: string;
  /** The path under the directory's SCIM base, ids only (src/http/scim/rejection-path.ts). */
  path: string;
  status: number;
  scimType: string | null;
  /** Value-free (src/scim/scim-error.ts, ScimFault). */
  detail: string;
  /** The attribute or PATCH path at fault, filter literals redacted. */
  attribute: string | null;
  requestId: string | null;
}

/** Requests of one directory in one hour, added to its counters. */
export interface RequestCountDelta {
  directoryId: string;
  hour: Date;
  total: number;
  rejected: number;
}

export interface RejectionPage {
  rows: (RejectionRecord & { id: number })[];
  /** Cursor of the next (older) page. */
  next?: string;
}

/** `<at as PostgreSQL text>|<id>`, the shape rejectionCursor accepts. */
const CURSOR = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2})\|(\d{1,18})$/;

/** A page cursor exactly as listRejections writes it, with a real calendar time (else PostgreSQL would throw). */
export function isRejectionCursor(v: string): boolean {
  const m = CURSOR.exec(v);
  if (!m?.[1]) return false;
  const [year, month, day, hour, minute, second] = m[1].split(/[- :.+]/).slice(0, 6).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Rows per INSERT or upsert statement: far below PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 1000;

/**
 * Directory health: the rejected-request log (`scim_rejections`) and the per-hour
 * request counters (`scim_request_counts`). Writes come in batches from each web
 * process (one multi-row INSERT and one multi-row upsert per flush), never one
 * statement per request. Retention (age and the per-directory cap) is in
 * retention-store.ts.
 */
export class ScimHealthStore {
  constructor(private readonly db: Db | Knex.Transaction) {}

  async insertRejections(records: readonly RejectionRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += INSERT_CHUNK) {
      await this.db('scim_rejections').insert(
        records.slice(i, i + INSERT_CHUNK).map((r) => ({
          directory_id: r.directoryId,
          at: r.at,
          method: r.method,
          path: r.path,
          status: r.status,
          scim_type: r.scimType,
          detail: r.detail,
          attribute: r.attribute,
          request_id: r.requestId,
        })),
      );
    }
  }

  /**
   * Adds to the hourly counters. Rows are sorted by key so two web processes
   * upserting the same directories lock them in the same order (no deadlock).
   * A directory deleted meanwhile is skipped (its counters went with it).
   */
  async addRequestCounts(deltas: readonly RequestCountDelta[]): Promise<void> {
    if (!deltas.length) return;
    const sorted = [...deltas].sort((a, b) => (a.directoryId === b.directoryId ? a.hour.getTime() - b.hour.getTime() : a.directoryId < b.directoryId ? -1 : 1));
    for (let i = 0; i < sorted.length; i += INSERT_CHUNK) {
      const chunk = sorted.slice(i, i + INSERT_CHUNK);
      const values = chunk.map(() => '(?::uuid, ?::timestamptz, ?::int, ?::int)').join(', ');
      await this.db.raw(
        `INSERT INTO scim_request_counts AS c (directory_id, hour, total, rejected)
         SELECT v.directory_id, v.hour, v.total, v.rejected FROM (VALUES ${values}) AS v(directory_id, hour, total, rejected)
          WHERE EXISTS (SELECT 1 FROM directories d WHERE d.id = v.directory_id)
         ON CONFLICT (directory_id, hour) DO UPDATE SET total = c.total + excluded.total, rejected = c.rejected + excluded.rejected`,
        chunk.flatMap((d) => [d.directoryId, d.hour.toISOString(), d.total, d.rejected]),
      );
    }
  }

  /** Newest first, keyset-paged on (at, id). */
  async listRejections(directoryId: string, opts: { before?: string | undefined; limit: number }): Promise<RejectionPage> {
    const q = this.db('scim_rejections').where({ directory_id: directoryId });
    const cursor = opts.before ? CURSOR.exec(opts.before) : null;
    if (cursor?.[1] && cursor[2]) void q.andWhereRaw('(at, id) < (?::timestamptz, ?::bigint)', [cursor[1], cursor[2]]);
    const fetched: { id: number; directory_id: string; at: Date; method: string; path: string; status: number; scim_type: string | null; detail: string; attribute: string | null; request_id: string | null; cursor: string }[] = await q
      .orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(opts.limit + 1)
      .select('id', 'directory_id', 'at', 'method', 'path', 'status', 'scim_type', 'detail', 'attribute', 'request_id', this.db.raw(`at::text || '|' || id::text AS cursor`));
    const rows = fetched.slice(0, opts.limit);
    const page: RejectionPage = {
      rows: rows.map((r) => ({ id: Number(r.id), directoryId: r.directory_id, at: r.at, method: r.method, path: r.path, status: r.status, scimType: r.scim_type, detail: r.detail, attribute: r.attribute, requestId: r.request_id })),
    };
    if (fetched.length > opts.limit) page.next = rows[rows.length - 1]?.cursor;
    return page;
  }

  /** The hourly counters of the last `hours` hours (and the current one). */
  async hourBuckets(directoryId: string, hours: number): Promise<HourBucket[]> {
    const rows: { hour: Date; total: number; rejected: number }[] = await this.db('scim_request_counts')
      .where({ directory_id: directoryId })
      .andWhereRaw(`hour >= date_trunc('hour', now()) - make_interval(hours => ?)`, [hours])
      .select('hour', 'total', 'rejected');
    return rows.map((r) => ({ hour: r.hour, total: Number(r.total), rejected: Number(r.rejected) }));
  }

  /** The 4xx share over the last hour and the last 24 hours (src/shared/rejection-share.ts). */
  async shares(directoryId: string, now = new Date()): Promise<{ lastHour: RejectionShare; lastDay: RejectionShare }> {
    const buckets = await this.hourBuckets(directoryId, 24);
    return { lastHour: rejectionShare(buckets, now, 3_600_000), lastDay: rejectionShare(buckets, now, 86_400_000) };
  }
}
