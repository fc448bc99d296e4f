import type { Queryable } from './db';
import type { ScimDoc } from '../scim/user-document';
import { groupColumns } from '../scim/group-document';
import type { StoredResource } from '../scim/render-resource';
import type { SqlFragment } from './scim-filter-sql';
import { isUuid } from '../common/uuid';
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
export class GroupStore {
  constructor(private readonly db: Queryable) {}

  async insert(directoryId: string, doc: ScimDoc): Promise<GroupRow> {
    const [row] = await this.db('groups').insert({ directory_id: directoryId, doc, ...columnsOf(doc) }).returning('*');
    return row as GroupRow;
  }

  async find(directoryId: string, id: string): Promise<GroupRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db<GroupRow>('groups').where({ directory_id: directoryId, id }).first();
  }

  /** Row lock on the group: concurrent PATCHes of one group apply one after another, so no member is lost. */
  async findForUpdate(directoryId: string, id: string): Promise<GroupRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db<GroupRow>('groups').where({ directory_id: directoryId, id }).forUpdate().first();
  }

  /** Bumps the version (and optionally the document) after any change, members included. */
  async touch(id: string, doc?: ScimDoc): Promise<GroupRow> {
    const changes: Record<string, unknown> = { version: this.db.raw('version + 1'), updated_at: this.db.fn.now() };
    if (doc) Object.assign(changes, { doc, ...columnsOf(doc) });
    const [row] = await this.db('groups').where({ id }).update(changes).returning('*');
    return row as GroupRow;
  }

  async delete(id: string): Promise<void> {
    await this.db('groups').where({ id }).delete();
  }

  /** Adds members; returns the user ids actually added (already-present ones change nothing). */
  async addMembers(directoryId: string, groupId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return [];
    const result = await this.db.raw(
      `INSERT INTO group_members (directory_id, group_id, user_id)
       SELECT ?, ?, u FROM unnest(?::uuid[]) AS u
       ON CONFLICT (group_id, user_id) DO NOTHING
       RETURNING user_id`,
      [directoryId, groupId, userIds],
    );
    return (result.rows as { user_id: string }[]).map((r) => r.user_id);
  }

  /** Removes members; returns the user ids actually removed (absent ones are not an error). */
  async removeMembers(groupId: string, userIds: string[] | 'all'): Promise<string[]> {
    const q = this.db('group_members').where({ group_id: groupId });
    if (userIds !== 'all') {
      const valid = userIds.filter(isUuid);
      if (!valid.length) return [];
      void q.whereIn('user_id', valid);
    }
    const rows: { user_id: string }[] = await q.delete().returning('user_id');
    return rows.map((r) => r.user_id);
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db('group_members').where({ group_id: groupId }).select('user_id');
    return rows.map((r) => r.user_id);
  }

  /** Members with their userName as `display`, in a stable order (by user id, as full group reads stream them). */
  async members(groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    const out = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
    if (!groupIds.length) return out;
    const rows: { group_id: string; user_id: string; user_name: string }[] = await this.db('group_members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .whereIn('m.group_id', groupIds)
      .orderBy([{ column: 'm.group_id' }, { column: 'm.user_id' }])
      .select('m.group_id', 'm.user_id', 'u.user_name');
    for (const r of rows) out.get(r.group_id)?.push({ value: r.user_id, display: r.user_name });
    return out;
  }

  /**
   * One keyset page of a group's members with their userNames, ordered by user id, after
   * `afterUserId` (null: from the start). The page of ids comes first (a range scan of the
   * group_members primary key), then their names: joining first lets the planner hash all
   * users for every page.
   */
  async memberPage(groupId: string, afterUserId: string | null, limit: number): Promise<{ user_id: string; user_name: string }[]> {
    const result: { rows: { user_id: string; user_name: string }[] } = await this.db.raw(
      `SELECT m.user_id, u.user_name
         FROM (SELECT user_id FROM group_members WHERE group_id = ? AND user_id > ? ORDER BY user_id LIMIT ?) m
         JOIN users u ON u.id = m.user_id
        ORDER BY m.user_id`,
      [groupId, afterUserId ?? '00000000-0000-0000-0000-000000000000', limit],
    );
    return result.rows;
  }

  /** Id, name, externalId and version of every group of a directory (reconciliation). */
  async summariesOf(directoryId: string): Promise<{ id: string; name: string; external_id: string | null; version: number }[]> {
    return this.db('groups').where({ directory_id: directoryId }).select('id', 'display_name as name', 'external_id', 'version');
  }

  /** Every membership of a directory's groups (reconciliation). */
  async membershipsOf(directoryId: string): Promise<{ group_id: string; user_id: string }[]> {
    return this.db('group_members').where({ directory_id: directoryId }).select('group_id', 'user_id');
  }

  /** Groups a user belongs to (for a deleted user's membership events). */
  async groupsOfUser(userId: string): Promise<GroupRow[]> {
    return this.db<GroupRow>('groups').whereIn('id', this.db('group_members').where({ user_id: userId }).select('group_id'));
  }

  page(directoryId: string, filter: SqlFragment | undefined, offset: number, limit: number): Promise<{ total: number; rows: GroupRow[] }> {
    return pageResources<GroupRow>(this.db, 'groups', directoryId, filter, offset, limit);
  }
}
