import type { Knex } from 'knex';
import type { SqlFragment } from './scim-filter-sql';

/**
 * One SCIM list page of `users` or `groups`: the total for `totalResults`, then
 * the page in a stable order (`seq`, insertion order), so startIndex paging
 * never repeats or skips a resource (OKTA.md 7). The filter is a compiled,
 * parameterised fragment; nothing is filtered in memory.
 */
export async function pageResources<Row>(
  db: Knex,
  table: 'users' | 'groups',
  directoryId: string,
  filter: SqlFragment | undefined,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: Row[] }> {
  const base = () => {
    const q = db(table).where(`${table}.directory_id`, directoryId);
    if (filter) void q.andWhereRaw(`(${filter.sql})`, filter.bindings as Knex.RawBinding[]);
    return q;
  };
  if (filter && limit > 0) {
    // Filtered lists (Okta's userName lookup, a displayName lookup) match few rows: the page and its
    // total in one query. An unfiltered page walk keeps two queries: a window over the whole
    // directory would read every row for every page.
    const rows = (await base().orderBy(`${table}.seq`).offset(offset).limit(limit).select(`${table}.*`, db.raw('count(*) OVER () AS __total'))) as (Row & { __total: number })[];
    if (rows.length || offset === 0) {
      const total = Number(rows[0]?.__total ?? 0);
      for (const r of rows) delete (r as { __total?: number }).__total;
      return { total, rows };
    }
  }
  const [countRow] = await base().count<{ count: number }[]>({ count: '*' });
  const total = Number(countRow?.count ?? 0);
  const rows: Row[] = limit > 0 && offset < total ? ((await base().orderBy(`${table}.seq`).offset(offset).limit(limit).select(`${table}.*`)) as Row[]) : [];
  return { total, rows };
}
