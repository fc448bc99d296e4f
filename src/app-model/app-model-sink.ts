import type { Knex } from 'knex';
import type { StoredEvent } from '../events/event-types';
import { userFields } from '../scim/user-document';
import { groupColumns } from '../scim/group-document';
import { AppModelStore, type AppUserFields, type Scope } from './app-model-store';
import { AppRoleStore } from './app-role-store';
import type { AttributeProjector } from './attribute-mapping';
import { attributeProjectors } from './attribute-projectors';

type Trx = Knex.Transaction;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The app-model columns of a user, from a SCIM User document: every field by the one
 * rule in src/scim/user-document.ts (`userFields`), so `app_users.email` always equals
 * the directory's `users.primary_email`.
 */
export function appUserFields(resource: Record<string, unknown>, project?: AttributeProjector): AppUserFields {
  const f = userFields(resource);
  return {
    ...(project ? { attributes: project(resource) } : {}),
    user_name: f.userName,
    email: f.primaryEmail,
    given_name: f.givenName,
    family_name: f.familyName,
    display_name: f.displayName,
    external_id: f.externalId,
    // Policy (docs/app-user-model.md): a deactivated user is suspended and has no roles.
    status: f.active ? 'active' : 'suspended',
  };
}

/** The app-model columns of a group, by the directory's own rule (src/scim/group-document.ts). */
export function appGroupFields(resource: Record<string, unknown>): { name: string; externalId: string | null } {
  const c = groupColumns(resource);
  return { name: c.displayName, externalId: c.externalId };
}

/** Applies one outbox event to the built-in app user model, inside the caller's transaction. */
export async function applyToAppModel(trx: Trx, event: StoredEvent): Promise<void> {
  const scope: Scope = { organizationId: event.organizationId, directoryId: event.directoryId };
  const model = new AppModelStore(trx);
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
      await model.upsertUser(scope, event.resourceId, event.resourceVersion, appUserFields(resource, project), event.type === 'user.deleted');
      await new AppRoleStore(trx).recompute(scope.organizationId, [event.resourceId]);
      return;
    }
    case 'group.created':
    case 'group.updated':
    case 'group.deleted': {
      const resource = data['resource'] ?? {};
      const deleted = event.type === 'group.deleted';
      const g = appGroupFields(resource);
      await model.upsertGroup(scope, event.resourceId, event.resourceVersion, g.name, g.externalId, deleted);
      if (deleted) await model.dropMembershipsOfDeletedGroup(event.resourceId, event.resourceVersion);
      // A rename can change the roles of every member (mappings are by group name).
      await new AppRoleStore(trx).recompute(scope.organizationId, await model.membersOfGroup(event.resourceId));
      return;
    }
    case 'group.user_added':
    case 'group.user_removed': {
      const userId = str(data['user']?.['id']);
      if (!userId) return;
      // The event carries the group as it is after the change (its version moved too).
      const g = appGroupFields(data['group'] ?? {});
      await model.upsertGroup(scope, event.resourceId, event.resourceVersion, g.name, g.externalId, false);
      await model.upsertMembership(scope, event.resourceId, userId, event.type === 'group.user_added', event.resourceVersion);
      await new AppRoleStore(trx).recompute(scope.organizationId, [userId]);
      return;
    }
    case 'directory.enabled':
    case 'directory.disabled':
      // The app model keeps users as they are; apps that care read the event (webhooks, events API).
      return;
  }
}
