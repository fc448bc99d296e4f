import type { Knex } from 'knex';
import type { StoredEvent } from '../events/event-types';
import { primaryValueOf } from '../scim/user-document';
import { recomputeRoles } from './app-model-roles';
import type { AttributeProjector } from './attribute-mapping';
import { attributeProjectors } from './attribute-projectors';

type Trx = Knex.Transaction;

/** The app-model columns of a user, from a SCIM User document. */
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

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function appUserFields(resource: Record<string, unknown>, project?: AttributeProjector): AppUserFields {
  const name = (resource['name'] ?? {}) as Record<string, unknown>;
  return {
    ...(project ? { attributes: project(resource) } : {}),
    user_name: str(resource['userName']) ?? '',
    // The same rule as the directory's primary_email column (src/scim/user-document.ts).
    email: primaryValueOf(resource['emails']),
    given_name: str(name['givenName']),
    family_name: str(name['familyName']),
    display_name: str(resource['displayName']),
    external_id: str(resource['externalId']),
    // Policy (docs/app-user-model.md): a deactivated user is suspended and has no roles.
    status: resource['active'] === false ? 'suspended' : 'active',
  };
}

export interface Scope {
  organizationId: string;
  directoryId: string;
}

/**
 * Monotonic upsert: a row changes only when the incoming version is newer, so a
 * duplicate, late or reordered event never makes the app model older. An event of
 * the SAME version may still change `attributes` (and nothing else): a mapping
 * change re-projects users at the version they have (reproject-attributes.ts).
 * `force` (drift repair) overwrites whatever is there with the directory's current state.
 */
export async function upsertAppUser(trx: Trx, scope: Scope, id: string, version: number, fields: AppUserFields, deleted: boolean, force = false): Promise<boolean> {
  const attributes = fields.attributes === undefined ? null : JSON.stringify(fields.attributes);
  const result = await trx.raw<{ rowCount: number }>(
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

export async function upsertAppGroup(trx: Trx, scope: Scope, id: string, version: number, name: string, externalId: string | null, deleted: boolean, force = false): Promise<boolean> {
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO app_groups (directory_group_id, organization_id, directory_id, name, external_id, version, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ${deleted ? 'now()' : 'NULL'})
     ON CONFLICT (directory_group_id) DO UPDATE SET
       name = EXCLUDED.name, external_id = EXCLUDED.external_id, version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at, updated_at = now()
     ${force ? '' : 'WHERE app_groups.version < EXCLUDED.version'}`,
    [id, scope.organizationId, scope.directoryId, name, externalId, version],
  );
  return result.rowCount > 0;
}

/** Membership by the group's version: `<` for events, `<=`-free overwrite when forced. */
export async function upsertAppMembership(trx: Trx, scope: Scope, groupId: string, userId: string, present: boolean, version: number, force = false): Promise<boolean> {
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO app_memberships (directory_group_id, directory_user_id, organization_id, directory_id, present, version)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (directory_group_id, directory_user_id) DO UPDATE SET present = EXCLUDED.present, version = EXCLUDED.version, updated_at = now()
     ${force ? '' : 'WHERE app_memberships.version < EXCLUDED.version'}`,
    [groupId, userId, scope.organizationId, scope.directoryId, present, version],
  );
  return result.rowCount > 0;
}

/** Users who are (or were, in the app model) members of a group: whose roles a group change may affect. */
async function membersOfGroup(trx: Trx, groupId: string): Promise<string[]> {
  const rows: { id: string }[] = await trx.raw(
    `SELECT user_id AS id FROM group_members WHERE group_id = ? UNION SELECT directory_user_id FROM app_memberships WHERE directory_group_id = ?`,
    [groupId, groupId],
  ).then((r: { rows: { id: string }[] }) => r.rows);
  return rows.map((r) => r.id);
}

/** Applies one outbox event to the built-in app user model, inside the caller's transaction. */
export async function applyToAppModel(trx: Trx, event: StoredEvent): Promise<void> {
  const scope: Scope = { organizationId: event.organizationId, directoryId: event.directoryId };
  const data = event.data as Record<string, Record<string, unknown> | undefined>;
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
    case 'user.deactivated':
    case 'user.reactivated':
    case 'user.deleted':
    case 'user.attributes_changed': {
      const resource = data['resource'] ?? {};
      const project = (await attributeProjectors(trx, [scope.organizationId])).get(scope.organizationId);
      await upsertAppUser(trx, scope, event.resourceId, event.resourceVersion, appUserFields(resource, project), event.type === 'user.deleted');
      await recomputeRoles(trx, scope.organizationId, [event.resourceId]);
      return;
    }
    case 'group.created':
    case 'group.updated':
    case 'group.deleted': {
      const resource = data['resource'] ?? {};
      const deleted = event.type === 'group.deleted';
      await upsertAppGroup(trx, scope, event.resourceId, event.resourceVersion, str(resource['displayName']) ?? '', str(resource['externalId']), deleted);
      if (deleted) {
        // The directory drops a deleted group's memberships without membership events.
        await trx('app_memberships').where({ directory_group_id: event.resourceId }).andWhere('version', '<', event.resourceVersion).update({ present: false, version: event.resourceVersion, updated_at: trx.fn.now() });
      }
      // A rename can change the roles of every member (mappings are by group name).
      await recomputeRoles(trx, scope.organizationId, await membersOfGroup(trx, event.resourceId));
      return;
    }
    case 'group.user_added':
    case 'group.user_removed': {
      const userId = str(data['user']?.['id']);
      if (!userId) return;
      // The event carries the group as it is after the change (its version moved too).
      const group = data['group'] ?? {};
      await upsertAppGroup(trx, scope, event.resourceId, event.resourceVersion, str(group['displayName']) ?? '', str(group['externalId']), false);
      await upsertAppMembership(trx, scope, event.resourceId, userId, event.type === 'group.user_added', event.resourceVersion);
      await recomputeRoles(trx, scope.organizationId, [userId]);
      return;
    }
    case 'directory.enabled':
    case 'directory.disabled':
      // The app model keeps users as they are; apps that care read the event (webhooks, events API).
      return;
  }
}
