import { isUuid } from '../common/uuid';
import type { Queryable } from './db';
import { runPrepared, statement } from './prepared';
import type { GroupRow } from './group-store';
import type { OperationFields } from './user-write-store';

/**
 * The hot group write: Okta's membership PATCH (add or remove members, often with an
 * unchanged displayName), as two prepared statements instead of a nine-statement
 * transaction. The second one is a compare-and-set on the group's `version` that
 * writes the members, the group row, the outbox events and the operation record
 * together, so it is exactly once and atomic like every other write.
 */

const READ_GROUP_WITH_USERS = statement(
  'dirsync_group_read_users_v1',
  `SELECT g.*,
          (SELECT coalesce(array_agg(u.id), '{}') FROM users u WHERE u.directory_id = $1 AND u.id = ANY($3::uuid[])) AS known_user_ids
     FROM groups g WHERE g.directory_id = $1 AND g.id = $2`,
);

export class GroupWriteStore {
  constructor(private readonly db: Queryable) {}

  /** The group and which of `userIds` are users of this directory (members must be). */
  async readGroupAndUsers(directoryId: string, groupId: string, userIds: string[]): Promise<{ group: GroupRow; knownUserIds: Set<string> } | undefined> {
    // A member value that is not a uuid names no user (and would make the ::uuid[] cast throw: a 5xx for bad input).
    const { rows } = await runPrepared<GroupRow & { known_user_ids: string[] }>(this.db, READ_GROUP_WITH_USERS, [directoryId, groupId, userIds.filter(isUuid)]);
    const row = rows[0];
    if (!row) return undefined;
    const { known_user_ids: known, ...group } = row;
    return { group, knownUserIds: new Set(known) };
  }

  /**
   * Applies the membership change if the group still has `fromVersion`. `applied: false`
   * means another write got there first: read again and recompute. `version` is set when
   * the group changed (a member actually added or removed, or the document changed).
   */
  async patchGroupMembers(a: PatchGroupMembersArgs): Promise<{ applied: boolean; version: number | null }> {
    const { rows } = await runPrepared<{ applied: boolean; version: number | null }>(this.db, PATCH_GROUP_MEMBERS, [
      a.op.directoryId, a.groupId, a.fromVersion, a.add, a.remove,
      a.doc?.doc ?? null, a.doc?.displayName ?? null, a.doc?.externalId ?? null, a.now,
      a.op.organizationId, a.op.operationId, a.doc?.resource ?? null,
      a.op.requestId, a.op.summary, a.changed, a.unchanged, a.op.receivedAt, a.op.queueMs, a.op.attempts,
    ]);
    const r = rows[0];
    return { applied: r?.applied === true, version: r?.version ?? null };
  }
}

const PATCH_GROUP_MEMBERS = statement(
  'dirsync_group_patch_members_v3',
  `WITH guard AS (
     SELECT id FROM groups WHERE directory_id = $1 AND id = $2 AND version = $3 FOR UPDATE
   ), ins AS (
     INSERT INTO group_members (directory_id, group_id, user_id)
     SELECT $1, g.id, x FROM guard g, unnest($4::uuid[]) AS x
     ON CONFLICT (group_id, user_id) DO NOTHING
     RETURNING user_id
   ), del AS (
     DELETE FROM group_members m USING guard g
      WHERE m.group_id = g.id AND m.user_id = ANY($5::uuid[])
     RETURNING m.user_id
   ), upd AS (
     UPDATE groups
        SET doc = coalesce($6::jsonb, doc),
            display_name = CASE WHEN $6::jsonb IS NULL THEN display_name ELSE $7 END,
            external_id = CASE WHEN $6::jsonb IS NULL THEN external_id ELSE $8 END,
            version = version + 1, updated_at = $9
      WHERE id = $2 AND EXISTS (SELECT 1 FROM guard)
        AND ($6::jsonb IS NOT NULL OR EXISTS (SELECT 1 FROM ins) OR EXISTS (SELECT 1 FROM del))
     RETURNING id, version, display_name, external_id
   ), changes AS (
     SELECT 2 AS ord, 'group.user_removed' AS type, user_id FROM del
     UNION ALL
     SELECT 3, 'group.user_added', user_id FROM ins
   ), ev AS (
     INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data)
     SELECT $10, $1, e.type, 'group', u.id, u.version, $11, e.data
       FROM upd u,
            LATERAL (
              SELECT 1 AS ord, 'group.updated' AS type, NULL::uuid AS user_id, jsonb_build_object('resource', $12::jsonb) AS data
               WHERE $6::jsonb IS NOT NULL
              UNION ALL
              SELECT c.ord, c.type, c.user_id,
                     jsonb_build_object(
                       'group', jsonb_build_object('id', u.id, 'displayName', u.display_name, 'externalId', u.external_id),
                       'user', jsonb_build_object('id', us.id, 'userName', us.user_name, 'active', us.active))
                FROM changes c JOIN users us ON us.id = c.user_id
            ) e
      ORDER BY e.ord, e.user_id
   ), op AS (
     INSERT INTO operations (id, directory_id, request_id, method, resource_type, resource_id, summary, status, response, received_at, queue_ms, apply_ms, attempts)
     SELECT $11, $1, $13, 'PATCH', 'Group', $2, $14, 204,
            CASE WHEN EXISTS (SELECT 1 FROM upd) THEN $15::jsonb ELSE $16::jsonb END,
            $17, $18, 0, $19
       FROM guard
   )
   SELECT EXISTS (SELECT 1 FROM guard) AS applied,
          (SELECT version FROM upd) AS version`,
);

export interface PatchGroupMembersArgs {
  groupId: string;
  fromVersion: number;
  add: string[];
  remove: string[];
  /** The new document when it changed (with its displayName and externalId columns and its rendered resource). */
  doc: { doc: Record<string, unknown>; displayName: string; externalId: string | null; resource: unknown } | undefined;
  now: Date;
  op: OperationFields;
  /** The 204 results when the group changed (version + 1) and when it did not. */
  changed: unknown;
  unchanged: unknown;
}

