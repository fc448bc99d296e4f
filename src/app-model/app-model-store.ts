import type { Queryable } from '../store/db';

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


/** Which organization and directory an app-model row belongs to. */
export interface Scope {
  organizationId: string;
  directoryId: string;
}

/** The app-model columns of a user, from a SCIM User document (app-model-sink.ts `appUserFields`). */
export interface AppUserFields {
  user_name: string;
  email: string | null;
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
  external_id: string | null;
  status: 'active' | 'suspended';
  /** App attributes by the organization's mapping (attribute-mapping.ts); absent: leave the row's as they are. */
  attributes?: Record<string, unknown>;
}

interface ScopedRow {
  organization_id: string;
  directory_id: string;
}
/** Rows of a batch (app-model-batch.ts), one per resource, already collapsed to the newest state. */
export interface AppUserBatchRow extends AppUserFields, ScopedRow {
  id: string;
  version: number;
  seq: number;
  deleted: boolean;
}
export interface AppGroupBatchRow extends ScopedRow {
  id: string;
  name: string;
  external_id: string | null;
  version: number;
  seq: number;
  deleted: boolean;
}
export interface AppMembershipBatchRow extends ScopedRow {
  group_id: string;
  user_id: string;
  present: boolean;
  version: number;
  seq: number;
}

/**
 * The app user model's tables (`app_users`, `app_groups`, `app_memberships`): every
 * statement that reads or writes them. The rules for what goes in (which event changes
 * what, the monotonic version rule) live in app-model-sink.ts and app-model-batch.ts.
 */
export class AppModelStore {
  constructor(private readonly db: Queryable) {}

  /** Reads the built-in app user model (deleted users are left out). */
  async listAppUsers(organizationId: string): Promise<AppUser[]> {
    const result = await this.db.raw<{ rows: { directory_user_id: string; directory_id: string; user_name: string; email: string | null; given_name: string | null; family_name: string | null; display_name: string | null; external_id: string | null; status: 'active' | 'suspended'; roles: string[]; groups: string[] | null; version: number; attributes: Record<string, unknown> | null; updated_at: Date }[] }>(
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

  /**
   * Monotonic upsert: a row changes only when the incoming version is newer, so a
   * duplicate, late or reordered event never makes the app model older. An event of
   * the SAME version may still change `attributes` (and nothing else): a mapping
   * change re-projects users at the version they have (reproject-attributes.ts).
   * `force` (drift repair) overwrites whatever is there with the directory's current state.
   */
  async upsertUser(scope: Scope, id: string, version: number, fields: AppUserFields, deleted: boolean, force = false): Promise<boolean> {
    const attributes = fields.attributes === undefined ? null : JSON.stringify(fields.attributes);
    const result = await this.db.raw<{ rowCount: number }>(
      `INSERT INTO app_users (directory_user_id, organization_id, directory_id, user_name, email, given_name, family_name, display_name, external_id, status, version, deleted_at, roles, attributes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${deleted ? 'now()' : 'NULL'}, '{}', COALESCE(CAST(? AS jsonb), '{}'::jsonb))
       ON CONFLICT (directory_user_id) DO UPDATE SET
         user_name = EXCLUDED.user_name, email = EXCLUDED.email, given_name = EXCLUDED.given_name,
         family_name = EXCLUDED.family_name, display_name = EXCLUDED.display_name, external_id = EXCLUDED.external_id,
         status = EXCLUDED.status, version = EXCLUDED.version,
         deleted_at = CASE WHEN app_users.version = EXCLUDED.version AND NOT ? THEN app_users.deleted_at ELSE EXCLUDED.deleted_at END,
         attributes = ${attributes === null ? 'app_users.attributes' : 'EXCLUDED.attributes'}, updated_at = now()
       ${force ? '' : `WHERE app_users.version < EXCLUDED.version${attributes === null ? '' : ' OR (app_users.version = EXCLUDED.version AND app_users.attributes IS DISTINCT FROM EXCLUDED.attributes)'}`}`,
      [id, scope.organizationId, scope.directoryId, fields.user_name, fields.email, fields.given_name, fields.family_name, fields.display_name, fields.external_id, fields.status, version, attributes, force],
    );
    return result.rowCount > 0;
  }

  async upsertGroup(scope: Scope, id: string, version: number, name: string, externalId: string | null, deleted: boolean, force = false): Promise<boolean> {
    const result = await this.db.raw<{ rowCount: number }>(
      `INSERT INTO app_groups (directory_group_id, organization_id, directory_id, name, external_id, version, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ${deleted ? 'now()' : 'NULL'})
       ON CONFLICT (directory_group_id) DO UPDATE SET
         name = EXCLUDED.name, external_id = EXCLUDED.external_id, version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at, updated_at = now()
       ${force ? '' : 'WHERE app_groups.version < EXCLUDED.version'}`,
      [id, scope.organizationId, scope.directoryId, name, externalId, version],
    );
    return result.rowCount > 0;
  }

  /** Membership by the group's version: `<` for events, overwrite when forced. */
  async upsertMembership(scope: Scope, groupId: string, userId: string, present: boolean, version: number, force = false): Promise<boolean> {
    const result = await this.db.raw<{ rowCount: number }>(
      `INSERT INTO app_memberships (directory_group_id, directory_user_id, organization_id, directory_id, present, version)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (directory_group_id, directory_user_id) DO UPDATE SET present = EXCLUDED.present, version = EXCLUDED.version, updated_at = now()
       ${force ? '' : 'WHERE app_memberships.version < EXCLUDED.version'}`,
      [groupId, userId, scope.organizationId, scope.directoryId, present, version],
    );
    return result.rowCount > 0;
  }

  /** Users who are (or were, in the app model) members of a group: whose roles a group change may affect. */
  async membersOfGroup(groupId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.raw(
      `SELECT user_id AS id FROM group_members WHERE group_id = ? UNION SELECT directory_user_id FROM app_memberships WHERE directory_group_id = ?`,
      [groupId, groupId],
    ).then((r: { rows: { id: string }[] }) => r.rows);
    return rows.map((r) => r.id);
  }

  /** The directory drops a deleted group's memberships without membership events. */
  async dropMembershipsOfDeletedGroup(groupId: string, version: number): Promise<void> {
    await this.db('app_memberships').where({ directory_group_id: groupId }).andWhere('version', '<', version).update({ present: false, version, updated_at: this.db.fn.now() });
  }

  /** Batch upsert of users (the newest state of each), same monotonic rule as {@link upsertUser}. */
  async upsertUsers(rows: AppUserBatchRow[]): Promise<void> {
    // A newer version replaces the row; the same version (a re-projection after a
    // mapping change, or a replay) may change `attributes` only.
    await this.db.raw(
      `INSERT INTO app_users (directory_user_id, organization_id, directory_id, user_name, email, given_name, family_name, display_name, external_id, status, version, deleted_at, roles, attributes)
       SELECT x.id, x.organization_id, x.directory_id, x.user_name, x.email, x.given_name, x.family_name, x.display_name, x.external_id, x.status, x.version, CASE WHEN x.deleted THEN now() END, '{}', COALESCE(x.attributes, '{}'::jsonb)
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id uuid, organization_id uuid, directory_id uuid, user_name text, email text, given_name text, family_name text, display_name text, external_id text, status text, version int, deleted boolean, attributes jsonb)
       ON CONFLICT (directory_user_id) DO UPDATE SET
         user_name = EXCLUDED.user_name, email = EXCLUDED.email, given_name = EXCLUDED.given_name,
         family_name = EXCLUDED.family_name, display_name = EXCLUDED.display_name, external_id = EXCLUDED.external_id,
         status = EXCLUDED.status, version = EXCLUDED.version,
         deleted_at = CASE WHEN app_users.version = EXCLUDED.version THEN app_users.deleted_at ELSE EXCLUDED.deleted_at END,
         attributes = EXCLUDED.attributes, updated_at = now()
       WHERE app_users.version < EXCLUDED.version
          OR (app_users.version = EXCLUDED.version AND app_users.attributes IS DISTINCT FROM EXCLUDED.attributes)`,
      { rows: JSON.stringify(rows) },
    );
  }

  async upsertGroups(rows: AppGroupBatchRow[]): Promise<void> {
    await this.db.raw(
      `INSERT INTO app_groups (directory_group_id, organization_id, directory_id, name, external_id, version, deleted_at)
       SELECT x.id, x.organization_id, x.directory_id, x.name, x.external_id, x.version, CASE WHEN x.deleted THEN now() END
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id uuid, organization_id uuid, directory_id uuid, name text, external_id text, version int, deleted boolean)
       ON CONFLICT (directory_group_id) DO UPDATE SET
         name = EXCLUDED.name, external_id = EXCLUDED.external_id, version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at, updated_at = now()
       WHERE app_groups.version < EXCLUDED.version`,
      { rows: JSON.stringify(rows) },
    );
  }

  async upsertMemberships(rows: AppMembershipBatchRow[]): Promise<void> {
    await this.db.raw(
      `INSERT INTO app_memberships (directory_group_id, directory_user_id, organization_id, directory_id, present, version)
       SELECT x.group_id, x.user_id, x.organization_id, x.directory_id, x.present, x.version
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(group_id uuid, user_id uuid, organization_id uuid, directory_id uuid, present boolean, version int)
       ON CONFLICT (directory_group_id, directory_user_id) DO UPDATE SET present = EXCLUDED.present, version = EXCLUDED.version, updated_at = now()
       WHERE app_memberships.version < EXCLUDED.version`,
      { rows: JSON.stringify(rows) },
    );
  }

  /** After the membership upsert: a deleted group keeps no present membership of an older version. */
  async dropMembershipsOfDeletedGroups(deleted: Map<string, number>): Promise<void> {
    await this.db.raw(
      `UPDATE app_memberships m SET present = false, version = x.version, updated_at = now()
         FROM unnest(CAST(:ids AS uuid[]), CAST(:versions AS int[])) AS x(id, version)
        WHERE m.directory_group_id = x.id AND m.version < x.version`,
      { ids: [...deleted.keys()], versions: [...deleted.values()] },
    );
  }

  /**
   * Puts the app user model tables into `schema` (idempotent). Returns what moved.
   * See app-model-schema.ts for when and why.
   */
  async moveTablesToSchema(tables: readonly string[], schema: string): Promise<string[]> {
    const moved: string[] = [];
    if (schema !== 'public') await this.db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
    for (const table of tables) {
      const row = await this.db('pg_tables').where({ tablename: table }).whereIn('schemaname', ['public', schema]).whereNot({ schemaname: schema }).first('schemaname');
      if (row) {
        await this.db.raw('ALTER TABLE ??.?? SET SCHEMA ??', [row.schemaname as string, table, schema]);
        moved.push(`${row.schemaname as string}.${table} → ${schema}`);
      }
    }
    return moved;
  }

  /** Every app user of a directory, deleted ones included (reconciliation). */
  async usersOf(directoryId: string): Promise<(AppUserFields & { directory_user_id: string; version: number; roles: string[]; deleted_at: Date | null })[]> {
    return this.db('app_users').where({ directory_id: directoryId });
  }

  /** Every app group of a directory, deleted ones included (reconciliation). */
  async groupsOf(directoryId: string): Promise<{ directory_group_id: string; name: string; external_id: string | null; version: number; deleted_at: Date | null }[]> {
    return this.db('app_groups').where({ directory_id: directoryId });
  }

  /** The present memberships of a directory's app groups (reconciliation). */
  async presentMembershipsOf(directoryId: string): Promise<{ directory_group_id: string; directory_user_id: string }[]> {
    return this.db('app_memberships').where({ directory_id: directoryId, present: true }).select('directory_group_id', 'directory_user_id');
  }

  /** Drift repair: an app user the directory no longer has. */
  async markUserDeleted(directoryUserId: string): Promise<void> {
    await this.db('app_users').where({ directory_user_id: directoryUserId }).update({ deleted_at: this.db.fn.now(), roles: '{}', updated_at: this.db.fn.now() });
  }

  /** Drift repair: an app group the directory no longer has. */
  async markGroupDeleted(directoryGroupId: string): Promise<void> {
    await this.db('app_groups').where({ directory_group_id: directoryGroupId }).update({ deleted_at: this.db.fn.now(), updated_at: this.db.fn.now() });
  }

  /** Drift repair: a membership the directory no longer has. */
  async markMembershipAbsent(groupId: string, userId: string): Promise<void> {
    await this.db('app_memberships').where({ directory_group_id: groupId, directory_user_id: userId }).update({ present: false, updated_at: this.db.fn.now() });
  }
}
