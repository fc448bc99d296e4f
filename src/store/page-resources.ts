import type { Knex } from 'knex';
import type { SqlFragment } from './scim-filter-sql';
import { numberPlaceholders, runPrepared, StatementShapes } from './prepared';

const shapes = new StatementShapes('dirsync_page');

/**
 * One SCIM list page of `users` or `groups`: the total for `totalResults`, then
 * the page in a stable order (`seq`, insertion order), so startIndex paging
 * never repeats or skips a resource (RFC 7644 §3.4.2.4). The filter is a compiled,
 * parameterised fragment; nothing is filtered in memory. Statements are prepared
 * per filter shape (pg directly: Okta's userName lookup is on every imported user).
 */
export async function pageResources<Row>(
  db: Knex,
  table: 'users' | 'groups',
  directoryId: string,
  filter: SqlFragment | undefined,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: Row[] }> {
  const where = filter ? `${table}.directory_id = $1 AND (${numberPlaceholders(filter.sql, 2)})` : `${table}.directory_id = $1`;
  const values: unknown[] = [directoryId, ...(filter?.bindings ?? [])];
  const next = values.length + 1;
  if (filter && limit > 0) {
    // Filtered lists (Okta's userName lookup, a displayName lookup) match few rows: the page and its
    // total in one query. An unfiltered page walk keeps two queries: a window over the whole
    // directory would read every row for every page.
    const text = `SELECT ${table}.*, count(*) OVER () AS __total FROM ${table} WHERE ${where} ORDER BY ${table}.seq OFFSET $${next} LIMIT $${next + 1}`;
    const { rows } = await runPrepared<Row & { __total: number }>(db, shapes.for(text), [...values, offset, limit]);
    if (rows.length || offset === 0) {
      const total = Number(rows[0]?.__total ?? 0);
      for (const r of rows) delete (r as { __total?: number }).__total;
      return { total, rows };
    }
  }
  const { rows: countRows } = await runPrepared<{ count: number }>(db, shapes.for(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`), values);
  const total = Number(countRows[0]?.count ?? 0);
  if (!(limit > 0 && offset < total)) return { total, rows: [] };
  const { rows } = await runPrepared<Row>(db, shapes.for(`SELECT ${table}.* FROM ${table} WHERE ${where} ORDER BY ${table}.seq OFFSET $${next} LIMIT $${next + 1}`), [...values, offset, limit]);
  return { total, rows };
}
