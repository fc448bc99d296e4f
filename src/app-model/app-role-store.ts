import type { Queryable } from '../store/db';

/**
 * Effective roles of an app user, derived from CURRENT directory state, never from
 * one event (Okta does not always send every membership change): the roles mapped
 * from the names of the directory groups the user belongs to, sorted, and none at
 * all while the user is inactive in the directory or suspended/deleted in the app.
 * Plus the roles a circuit-breaker hold keeps for a person while it holds their change.
 * `%USER%` appears once (callers replace it once).
 */
export const EXPECTED_ROLES_SQL = `ARRAY(
  SELECT DISTINCT x.role FROM (SELECT %USER% AS uid) me CROSS JOIN LATERAL (
    SELECT m.role
      FROM users u
      JOIN directories d ON d.id = u.directory_id
      JOIN group_members gm ON gm.user_id = u.id
      JOIN groups g ON g.id = gm.group_id
      JOIN role_mappings m ON m.organization_id = d.organization_id AND lower(m.group_name) = lower(g.display_name)
     WHERE u.id = me.uid AND u.active
    UNION ALL
    -- Roles a circuit-breaker hold keeps (docs/circuit-breaker.md): the directory already
    -- shows the held change, but the app must not see its effect until a release.
    SELECT unnest(hp.roles) FROM hold_people hp WHERE hp.user_id = me.uid AND hp.preserve AND NOT hp.cancelled) x
   ORDER BY 1)`;

/** The `roles` column of `app_users`: recomputed from current directory state (the rule above). */
export class AppRoleStore {
  constructor(private readonly db: Queryable) {}

  /** Recomputes `app_users.roles` for some users of an organization, or all of them. Returns how many changed. */
  async recompute(organizationId: string, userIds: string[] | 'all'): Promise<number> {
    if (userIds !== 'all' && !userIds.length) return 0;
    const expr = EXPECTED_ROLES_SQL.replace('%USER%', 'au.directory_user_id');
    const filter = userIds === 'all' ? '' : 'AND au.directory_user_id = ANY(?::uuid[])';
    const result = await this.db.raw<{ rowCount: number }>(
      `UPDATE app_users au
          SET roles = CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END,
              updated_at = now()
        WHERE au.organization_id = ? ${filter}
          AND au.roles IS DISTINCT FROM (CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END)`,
      userIds === 'all' ? [organizationId] : [organizationId, userIds],
    );
    return result.rowCount;
  }

  /** One role recompute for some users and every member (directory or app side) of some groups. */
  async recomputeOf(organizationIds: string[], userIds: string[], groupIds: string[]): Promise<void> {
    const expr = EXPECTED_ROLES_SQL.replace('%USER%', 'au.directory_user_id');
    await this.db.raw(
      `UPDATE app_users au
          SET roles = CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END,
              updated_at = now()
        WHERE au.organization_id = ANY(CAST(:orgs AS uuid[]))
          AND au.directory_user_id IN (
                SELECT unnest(CAST(:users AS uuid[]))
                UNION SELECT user_id FROM group_members WHERE group_id = ANY(CAST(:groups AS uuid[]))
                UNION SELECT directory_user_id FROM app_memberships WHERE directory_group_id = ANY(CAST(:groups AS uuid[])))
          -- No role mapping in the organization: every expected role set is empty, so only
          -- users still holding roles need the (per-user) computation. An import skips it.
          AND (au.roles <> '{}' OR EXISTS (SELECT 1 FROM role_mappings rm WHERE rm.organization_id = au.organization_id))
          AND au.roles IS DISTINCT FROM (CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END)`,
      { orgs: organizationIds, users: userIds, groups: groupIds },
    );
  }

  /** A directory's users with the roles the rule gives them now (reconciliation compares these with the app model). */
  async expectedUsersOf(directoryId: string): Promise<{ id: string; user_name: string; active: boolean; version: number; doc: Record<string, unknown>; roles: string[] }[]> {
    const result = await this.db.raw<{ rows: { id: string; user_name: string; active: boolean; version: number; doc: Record<string, unknown>; roles: string[] }[] }>(
      `SELECT u0.id, u0.user_name, u0.active, u0.version, u0.doc, ${EXPECTED_ROLES_SQL.replace('%USER%', 'u0.id')} AS roles
         FROM users u0 WHERE u0.directory_id = ?`,
      [directoryId],
    );
    return result.rows;
  }
}
