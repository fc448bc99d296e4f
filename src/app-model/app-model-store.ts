import type { Db } from '../store/db';

/** An app user as `app-users` and the admin API show it. */
export interface AppUser {
  directoryUserId: string;
  directoryId: string;
  userName: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  externalId: string | null;
  status: 'active' | 'suspended';
  active: boolean;
  roles: string[];
  groups: string[];
  version: number;
  /** App attributes by the organization's attribute mapping (docs/app-user-model.md, "Attributes"). */
  attributes: Record<string, unknown>;
  updatedAt: Date;
}

/** Reads the built-in app user model (deleted users are left out). */
export async function listAppUsers(db: Db, organizationId: string): Promise<AppUser[]> {
  const result = await db.raw<{ rows: { directory_user_id: string; directory_id: string; user_name: string; email: string | null; given_name: string | null; family_name: string | null; display_name: string | null; external_id: string | null; status: 'active' | 'suspended'; roles: string[]; groups: string[] | null; version: number; attributes: Record<string, unknown> | null; updated_at: Date }[] }>(
    `SELECT au.*, ARRAY(SELECT g.name FROM app_memberships m JOIN app_groups g ON g.directory_group_id = m.directory_group_id AND g.deleted_at IS NULL
                        WHERE m.directory_user_id = au.directory_user_id AND m.present ORDER BY g.name) AS groups
       FROM app_users au
      WHERE au.organization_id = ? AND au.deleted_at IS NULL
      ORDER BY lower(au.user_name), au.directory_user_id`,
    [organizationId],
  );
  return result.rows.map((r) => ({
    directoryUserId: r.directory_user_id,
    directoryId: r.directory_id,
    userName: r.user_name,
    email: r.email,
    givenName: r.given_name,
    familyName: r.family_name,
    displayName: r.display_name,
    externalId: r.external_id,
    status: r.status,
    active: r.status === 'active',
    roles: r.roles,
    groups: r.groups ?? [],
    version: r.version,
    attributes: r.attributes ?? {},
    updatedAt: r.updated_at,
  }));
}
