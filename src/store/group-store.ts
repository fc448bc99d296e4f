import type { Knex } from 'knex';
import type { ScimDoc } from '../scim/user-document';
import { groupColumns } from '../scim/group-document';
import type { StoredResource } from '../scim/render-resource';
import type { SqlFragment } from './scim-filter-sql';
import { isUuid } from '../shared/uuid';
import { pageResources } from './page-resources';

export interface GroupRow {
  id: string;
  directory_id: string;
  seq: number;
  display_name: string;
  external_id: string | null;
  doc: ScimDoc;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface MemberRef {
  value: string;
  display?: string;
}

export const toStoredGroup = (r: GroupRow): StoredResource => ({ id: r.id, doc: r.doc, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at });

function columnsOf(doc: ScimDoc) {
  const c = groupColumns(doc);
  return { display_name: c.displayName, external_id: c.externalId };
}

/** The `groups` and `group_members` tables. Members are rows, never a read-modify-write array. */
export const groupStore = {
  async insert(trx: Knex.Transaction, directoryId: string, doc: ScimDoc): Promise<GroupRow> {
    const [row] = await trx('groups').insert({ directory_id: directoryId, doc, ...columnsOf(doc) }).returning('*');
    return row as GroupRow;
  },

  async find(db: Knex | Knex.Transaction, directoryId: string, id: string): Promise<GroupRow | undefined> {
    if (!isUuid(id)) return undefined;
    return db<GroupRow>('groups').where({ directory_id: directoryId, id }).first();
  },

  /** Row lock on the group: concurrent PATCHes of one group apply one after another, so no member is lost. */
  async findForUpdate(trx: Knex.Transaction, directoryId: string, id: string): Promise<GroupRow | undefined> {
    if (!isUuid(id)) return undefined;
    return trx<GroupRow>('groups').where({ directory_id: directoryId, id }).forUpdate().first();
  },

  /** Bumps the version (and optionally the document) after any change, members included. */
  async touch(trx: Knex.Transaction, id: string, doc?: ScimDoc): Promise<GroupRow> {
    const changes: Record<string, unknown> = { version: trx.raw('version + 1'), updated_at: trx.fn.now() };
    if (doc) Object.assign(changes, { doc, ...columnsOf(doc) });
    const [row] = await trx('groups').where({ id }).update(changes).returning('*');
    return row as GroupRow;
  },

  async delete(trx: Knex.Transaction, id: string): Promise<void> {
    await trx('groups').where({ id }).delete();
  },

  /** Adds members; returns the user ids actually added (already-present ones change nothing). */
  async addMembers(trx: Knex.Transaction, directoryId: string, groupId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return [];
    const result = await trx.raw(
      `INSERT INTO group_members (directory_id, group_id, user_id)
       SELECT ?, ?, u FROM unnest(?::uuid[]) AS u
       ON CONFLICT (group_id, user_id) DO NOTHING
       RETURNING user_id`,
      [directoryId, groupId, userIds],
    );
    return (result.rows as { user_id: string }[]).map((r) => r.user_id);
  },

  /** Removes members; returns the user ids actually removed (absent ones are not an error). */
  async removeMembers(trx: Knex.Transaction, groupId: string, userIds: string[] | 'all'): Promise<string[]> {
    const q = trx('group_members').where({ group_id: groupId });
    if (userIds !== 'all') {
      const valid = userIds.filter(isUuid);
      if (!valid.length) return [];
      void q.whereIn('user_id', valid);
    }
    const rows: { user_id: string }[] = await q.delete().returning('user_id');
    return rows.map((r) => r.user_id);
  },

  async memberIds(db: Knex | Knex.Transaction, groupId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await db('group_members').where({ group_id: groupId }).select('user_id');
    return rows.map((r) => r.user_id);
  },

  /** Members with their userName as `display`, in a stable order (by user id, as full group reads stream them). */
  async members(db: Knex | Knex.Transaction, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (!groupIds.length) return out;
    const rows: { group_id: string; user_id: string; user_name: string }[] = await db('group_members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .whereIn('m.group_id', groupIds)
      .orderBy([{ column: 'm.group_id' }, { column: 'm.user_id' }])
      .select('m.group_id', 'm.user_id', 'u.user_name');
    for (const r of rows) out.get(r.group_id)?.push({ value: r.user_id, display: r.user_name });
    return out;
  },

  /** Groups a user belongs to (for a deleted user's membership events). */
  async groupsOfUser(trx: Knex.Transaction, userId: string): Promise<GroupRow[]> {
    return trx<GroupRow>('groups').whereIn('id', trx('group_members').where({ user_id: userId }).select('group_id'));
  },

  page(db: Knex, directoryId: string, filter: SqlFragment | undefined, offset: number, limit: number): Promise<{ total: number; rows: GroupRow[] }> {
    return pageResources<GroupRow>(db, 'groups', directoryId, filter, offset, limit);
  },
};
