import type { Knex } from 'knex';
import type { StoredEvent } from '../events/event-types';
import { appGroupFields, appUserFields } from './app-model-sink';
import { AppRoleStore } from './app-role-store';
import { AppModelStore, type AppGroupBatchRow, type AppMembershipBatchRow, type AppUserBatchRow } from './app-model-store';
import { attributeProjectors } from './attribute-projectors';

type Trx = Knex.Transaction;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Is `a` newer than `b`: by resource version, then by outbox order. */
const newer = (a: { version: number; seq: number }, b: { version: number; seq: number } | undefined): boolean => !b || a.version > b.version || (a.version === b.version && a.seq > b.seq);

interface Scoped {
  organization_id: string;
  directory_id: string;
}
type UserRow = AppUserBatchRow;
type GroupRow = AppGroupBatchRow;
type MemberRow = AppMembershipBatchRow;

/**
 * Applies a batch of events (each directory's in seq order; several directories and
 * organizations may share one batch) to the app user model
 * with set-based statements: one read of the organizations' attribute mappings (when
 * users change), at most one upsert each for users, groups and
 * memberships, one tombstone update for deleted groups, one role recompute. The
 * batch is first collapsed to the newest state per user, group and membership (the
 * events carry the full state after each change), and every upsert keeps the
 * monotonic rule of the per-event path (app-model-sink.ts): a row changes only when
 * the incoming version is newer, so a replayed or stale batch never makes the model
 * older. Returns the number of statements sent (for docs/benchmarks.md).
 */
export async function applyBatchToAppModel(trx: Trx, events: StoredEvent[]): Promise<number> {
  const users = new Map<string, UserRow>();
  const groups = new Map<string, GroupRow>();
  const members = new Map<string, MemberRow>();
  const deletedGroups = new Map<string, number>();
  const roleUsers = new Set<string>();
  const organizations = new Set<string>();
  const roleGroups = new Set<string>();
  // Attributes are projected with each organization's CURRENT mapping (one query, only when users change).
  const userOrgs = events.filter((e) => e.resourceType === 'user').map((e) => e.organizationId);
  const projectors = userOrgs.length ? await attributeProjectors(trx, userOrgs) : new Map<string, never>();
  let statements = userOrgs.length ? 1 : 0;

  for (const e of events) {
    const seq = e.seq ?? 0;
    const scope: Scoped = { organization_id: e.organizationId, directory_id: e.directoryId };
    organizations.add(e.organizationId);
    const data = e.data as Record<string, Record<string, unknown> | undefined>;
    const putGroup = (g: GroupRow) => {
      if (newer(g, groups.get(g.id))) groups.set(g.id, g);
    };
    switch (e.type) {
      case 'user.created':
      case 'user.updated':
      case 'user.deactivated':
      case 'user.reactivated':
      case 'user.deleted':
      case 'user.attributes_changed': {
        const row: UserRow = { ...scope, id: e.resourceId, version: e.resourceVersion, seq, deleted: e.type === 'user.deleted', ...appUserFields(data['resource'] ?? {}, projectors.get(e.organizationId)) };
        if (newer(row, users.get(row.id))) users.set(row.id, row);
        // A re-projection never changes status or memberships: no role recompute for 100k users.
        if (e.type !== 'user.attributes_changed') roleUsers.add(e.resourceId);
        break;
      }
      case 'group.created':
      case 'group.updated':
      case 'group.deleted': {
        const resource = data['resource'] ?? {};
        const deleted = e.type === 'group.deleted';
        const g = appGroupFields(resource);
        putGroup({ ...scope, id: e.resourceId, name: g.name, external_id: g.externalId, version: e.resourceVersion, seq, deleted });
        if (deleted) deletedGroups.set(e.resourceId, Math.max(e.resourceVersion, deletedGroups.get(e.resourceId) ?? 0));
        // A rename can change the roles of every member (mappings are by group name).
        roleGroups.add(e.resourceId);
        break;
      }
      case 'group.user_added':
      case 'group.user_removed': {
        const userId = str(data['user']?.['id']);
        if (!userId) break;
        const g = appGroupFields(data['group'] ?? {});
        putGroup({ ...scope, id: e.resourceId, name: g.name, external_id: g.externalId, version: e.resourceVersion, seq, deleted: false });
        const m: MemberRow = { ...scope, group_id: e.resourceId, user_id: userId, present: e.type === 'group.user_added', version: e.resourceVersion, seq };
        const key = `${m.group_id}/${m.user_id}`;
        if (newer(m, members.get(key))) members.set(key, m);
        roleUsers.add(userId);
        break;
      }
      case 'directory.enabled':
      case 'directory.disabled':
        // The app model keeps users as they are; apps that care read the event (webhooks, events API).
        break;
    }
  }

  const model = new AppModelStore(trx);
  if (users.size) {
    statements++;
    await model.upsertUsers([...users.values()]);
  }
  if (groups.size) {
    statements++;
    await model.upsertGroups([...groups.values()]);
  }
  if (members.size) {
    statements++;
    await model.upsertMemberships([...members.values()]);
  }
  if (deletedGroups.size) {
    // After the membership upsert: a deleted group keeps no present membership of an older version.
    statements++;
    await model.dropMembershipsOfDeletedGroups(deletedGroups);
  }
  if (roleUsers.size || roleGroups.size) {
    statements++;
    await new AppRoleStore(trx).recomputeOf([...organizations], [...roleUsers], [...roleGroups]);
  }
  return statements;
}

