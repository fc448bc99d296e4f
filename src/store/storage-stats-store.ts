import type { Queryable } from './db';

/** The tables retention bounds (docs/operations.md, "Retention"). */
export const RETAINED_TABLES = ['operations', 'events', 'deliveries', 'dead_letters', 'replay_markers'] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

export interface TableStorage {
  table: RetainedTable;
  /** Rows: the planner's estimate (pg_class.reltuples, kept by autovacuum/ANALYZE); counted, up to EXACT_COUNT_CAP, while the table has never been analysed. */
  rows: number;
  /** Bytes on disk with indexes and TOAST (pg_total_relation_size). */
  bytes: number;
  /** When the oldest row kept was written (null: the table is empty). */
  oldestAt: Date | null;
}

/** A never-analysed table (reltuples -1) is counted exactly, but no further than this. */
const EXACT_COUNT_CAP = 100_000;

export class StorageStatsStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Sizes and oldest row of the retained tables, for /metrics. Every query is cheap
   * whatever the table size: sizes come from the catalog, and the oldest row is read
   * through indexes (events: one probe per organization on (organization_id,
   * occurred_at); operations: one per directory on (directory_id, applied_at)); the
   * other three tables stay small (failing or replayed deliveries, dead letters,
   * replay markers younger than a day).
   */
  async storageStats(): Promise<TableStorage[]> {
    const sizes = await this.db.raw<{ rows: { name: RetainedTable; reltuples: number; bytes: string | number }[] }>(
      `SELECT c.relname AS name, c.reltuples::float8 AS reltuples, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c WHERE c.oid = ANY(ARRAY[${RETAINED_TABLES.map((t) => `to_regclass('public.${t}')`).join(', ')}])`,
    );
    const oldest = await this.db.raw<{ rows: Record<RetainedTable, Date | null>[] }>(
      `SELECT (SELECT min((SELECT e.occurred_at FROM events e WHERE e.organization_id = o.id ORDER BY e.occurred_at LIMIT 1)) FROM organizations o) AS events,
              (SELECT min((SELECT p.applied_at FROM operations p WHERE p.directory_id = d.id ORDER BY p.applied_at LIMIT 1)) FROM directories d) AS operations,
              (SELECT min(created_at) FROM deliveries) AS deliveries,
              (SELECT min(created_at) FROM dead_letters) AS dead_letters,
              (SELECT min(created_at) FROM replay_markers) AS replay_markers`,
    );
    const byName = new Map(sizes.rows.map((r) => [r.name, r]));
    const out: TableStorage[] = [];
    for (const table of RETAINED_TABLES) {
      const size = byName.get(table);
      let rows = size ? Math.round(size.reltuples) : 0;
      if (rows < 0) {
        const counted = await this.db.raw<{ rows: { n: number }[] }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} LIMIT ${EXACT_COUNT_CAP}) x`);
        rows = counted.rows[0]?.n ?? 0;
      }
      out.push({ table, rows, bytes: Number(size?.bytes ?? 0), oldestAt: oldest.rows[0]?.[table] ?? null });
    }
    return out;
  }
}
