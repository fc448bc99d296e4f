import type { Queryable } from './db';
import type { ScimDoc } from '../scim/user-document';
import { userColumns } from '../scim/user-document';
import type { StoredResource } from '../scim/render-resource';
import type { SqlFragment } from './scim-filter-sql';
import { isUuid } from '../common/uuid';
import { pageResources } from './page-resources';

export interface UserRow {
  id: string;
  directory_id: string;
  seq: number;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: boolean;
  primary_email: string | null;
  doc: ScimDoc;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const toStoredUser = (r: UserRow): StoredResource => ({ id: r.id, doc: r.doc, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at });

function columnsOf(doc: ScimDoc) {
  const c = userColumns(doc);
  return { user_name: c.userName, external_id: c.externalId, display_name: c.displayName, active: c.active, primary_email: c.primaryEmail };
}

/** The `users` table: SCIM users as received, one row per directory user. */
export class UserStore {
  constructor(private readonly db: Queryable) {}

  /** Inserts unless the userName (case-insensitive) is taken; `undefined` means taken. */
  async insert(directoryId: string, doc: ScimDoc): Promise<UserRow | undefined> {
    const rows: UserRow[] = await this.db('users')
      .insert({ directory_id: directoryId, doc, ...columnsOf(doc) })
      .onConflict(this.db.raw('(directory_id, lower(user_name))'))
      .ignore()
      .returning('*');
    return rows[0];
  }

  /** Locks the row for the rest of the transaction: writes to one user apply one at a time. */
  async findForUpdate(directoryId: string, id: string): Promise<UserRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db<UserRow>('users').where({ directory_id: directoryId, id }).forUpdate().first();
  }

  async userNameTaken(directoryId: string, userName: string, exceptId: string): Promise<boolean> {
    const row = await this.db('users')
      .where({ directory_id: directoryId })
      .whereRaw('lower(user_name) = lower(?)', [userName])
      .whereNot({ id: exceptId })
      .first('id');
    return Boolean(row);
  }

  async update(id: string, doc: ScimDoc): Promise<UserRow> {
    const [row] = await this.db<UserRow>('users')
      .where({ id })
      .update({ doc, ...columnsOf(doc), version: this.db.raw('version + 1') as unknown as number, updated_at: this.db.fn.now() as unknown as Date })
      .returning('*');
    return row as UserRow;
  }

  async delete(id: string): Promise<void> {
    await this.db('users').where({ id }).delete();
  }

  /** Existing user ids of a directory among `ids` (members must be users of the same directory). */
  async existingIds(directoryId: string, ids: string[]): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Set();
    const rows: { id: string }[] = await this.db('users').where({ directory_id: directoryId }).whereIn('id', valid).select('id');
    return new Set(rows.map((r) => r.id));
  }

  /** Id, userName and active flag of the given users (what a membership event names). */
  async summaries(ids: string[]): Promise<Pick<UserRow, 'id' | 'user_name' | 'active'>[]> {
    return this.db('users').whereIn('id', ids).select('id', 'user_name', 'active');
  }

  page(directoryId: string, filter: SqlFragment | undefined, offset: number, limit: number): Promise<{ total: number; rows: UserRow[] }> {
    return pageResources<UserRow>(this.db, 'users', directoryId, filter, offset, limit);
  }
}
