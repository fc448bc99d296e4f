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
  const [countRow] = await base().count<{ count: number }[]>({ count: '*' });
  const total = Number(countRow?.count ?? 0);
  const rows: Row[] = limit > 0 && offset < total ? ((await base().orderBy(`${table}.seq`).offset(offset).limit(limit).select(`${table}.*`)) as Row[]) : [];
  return { total, rows };
}
