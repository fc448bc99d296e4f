import type { Knex } from 'knex';
import type { Db } from '../store/db';

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

/** Recomputes `app_users.roles` for some users of an organization, or all of them. */
export async function recomputeRoles(trx: Knex.Transaction | Db, organizationId: string, userIds: string[] | 'all'): Promise<number> {
  if (userIds !== 'all' && !userIds.length) return 0;
  const expr = EXPECTED_ROLES_SQL.replace('%USER%', 'au.directory_user_id');
  const filter = userIds === 'all' ? '' : 'AND au.directory_user_id = ANY(?::uuid[])';
  const result = await trx.raw<{ rowCount: number }>(
    `UPDATE app_users au
        SET roles = CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END,
            updated_at = now()
      WHERE au.organization_id = ? ${filter}
        AND au.roles IS DISTINCT FROM (CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END)`,
    userIds === 'all' ? [organizationId] : [organizationId, userIds],
  );
  return result.rowCount;
}
