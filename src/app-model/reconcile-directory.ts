import type { Db } from '../store/db';
import { DirectoryStore } from '../store/directory-store';
import { GroupStore } from '../store/group-store';
import { appUserFields } from './app-model-sink';
import { AppModelStore, type AppUserFields, type Scope } from './app-model-store';
import { AppRoleStore } from './app-role-store';
import { HoldStore } from '../store/hold-store';

const USER_FIELDS = ['user_name', 'email', 'given_name', 'family_name', 'display_name', 'external_id', 'status'] as const;
/** Most ids listed per drift kind in a report (counts are always complete). */
const LIST_CAP = 200;

export interface DriftList<T> {
  count: number;
  items: T[];
}

/** A drift the circuit breaker explains: `held by hold <id>` or `discarded by hold <id>` (docs/circuit-breaker.md). */
export interface ExplainedDrift {
  kind: 'user' | 'group';
  id: string;
  holdId: string;
  reason: string;
}

export interface DriftReport {
  users: { missing: DriftList<string>; extra: DriftList<string>; stale: DriftList<{ id: string; fields: string[]; reason?: string }> };
  groups: { missing: DriftList<string>; extra: DriftList<string>; stale: DriftList<{ id: string; fields: string[]; reason?: string }> };
  memberships: { missing: DriftList<{ groupId: string; userId: string }>; extra: DriftList<{ groupId: string; userId: string }> };
  roles: { stale: DriftList<{ userId: string; expected: string[]; actual: string[] }> };
  /** Drift kept on purpose by a circuit-breaker hold (open, or discarded): listed with the reason, never repaired. */
  held: DriftList<ExplainedDrift>;
  driftCount: number;
  repaired: boolean;
}

interface DirUser extends AppUserFields {
  id: string;
  version: number;
  roles: string[];
}

function list<T>(items: T[]): DriftList<T> {
  return { count: items.length, items: items.slice(0, LIST_CAP) };
}

/**
 * Compares a directory with the app user model: users, groups and memberships
 * missing, extra or stale, and roles that differ from those derived from current
 * directory state. With `repair`, rewrites the app model to the directory's state
 * through the sink's own upserts (forced: the directory is the truth).
 */
export async function reconcileDirectory(db: Db, directoryId: string, repair: boolean): Promise<DriftReport> {
  const dir = await new DirectoryStore(db).find(directoryId);
  if (!dir) throw new Error(`directory ${directoryId} not found`);
  const scope: Scope = { organizationId: dir.organizationId, directoryId };
  const model = new AppModelStore(db);

  const dirUsers = await loadDirectoryUsers(db, directoryId);
  // People and groups whose change a hold keeps back (or a discard dropped): reported with why, not repaired.
  const explained = await new HoldStore(db).explained(directoryId);
  const why = (h: { holdId: string; status: string }) => `${h.status === 'held' ? 'held' : 'discarded'} by hold ${h.holdId}`;
  const userWhy = (id: string): string | undefined => {
    const h = explained.users.get(id);
    return h ? why(h) : undefined;
  };
  const groupWhy = (id: string): string | undefined => {
    const h = explained.groups.get(id);
    return h ? why(h) : undefined;
  };
  const appUsers = new Map<string, DirUser & { deleted: boolean }>();
  for (const r of await model.usersOf(directoryId)) {
    appUsers.set(r.directory_user_id, { ...r, id: r.directory_user_id, deleted: r.deleted_at !== null });
  }
  const usersMissing: string[] = [];
  const usersStale: { id: string; fields: string[]; reason?: string }[] = [];
  const rolesStale: { userId: string; expected: string[]; actual: string[] }[] = [];
  for (const u of dirUsers.values()) {
    const a = appUsers.get(u.id);
    if (!a || a.deleted) {
      usersMissing.push(u.id);
      continue;
    }
    const fields = USER_FIELDS.filter((f) => a[f] !== u[f]);
    if (a.version !== u.version) fields.push('version' as never);
    const reason = userWhy(u.id);
    if (fields.length) usersStale.push({ id: u.id, fields, ...(reason ? { reason } : {}) });
    if (a.roles.join(',') !== u.roles.join(',')) rolesStale.push({ userId: u.id, expected: u.roles, actual: a.roles });
  }
  const usersExtra = [...appUsers.values()].filter((a) => !a.deleted && !dirUsers.has(a.id)).map((a) => a.id);

  const dirGroups = new Map<string, { name: string; external_id: string | null; version: number }>();
  for (const g of await new GroupStore(db).summariesOf(directoryId)) dirGroups.set(g.id, g);
  const appGroups = await model.groupsOf(directoryId);
  const liveAppGroups = new Map(appGroups.filter((g) => !g.deleted_at).map((g) => [g.directory_group_id, g]));
  const groupsMissing = [...dirGroups.keys()].filter((id) => !liveAppGroups.has(id));
  const groupsExtra = [...liveAppGroups.keys()].filter((id) => !dirGroups.has(id));
  const groupsStale: { id: string; fields: string[]; reason?: string }[] = [];
  for (const [id, g] of dirGroups) {
    const a = liveAppGroups.get(id);
    if (!a) continue;
    const fields = (['name', 'external_id', 'version'] as const).filter((f) => a[f] !== g[f]);
    const reason = groupWhy(id);
    if (fields.length) groupsStale.push({ id, fields, ...(reason ? { reason } : {}) });
  }

  const dirMembers = await new GroupStore(db).membershipsOf(directoryId);
  const appMembers = await model.presentMembershipsOf(directoryId);
  const k = (g: string, u: string) => `${g}/${u}`;
  const dirSet = new Set(dirMembers.map((m) => k(m.group_id, m.user_id)));
  const appSet = new Set(appMembers.map((m) => k(m.directory_group_id, m.directory_user_id)));
  const membersMissing = dirMembers.filter((m) => !appSet.has(k(m.group_id, m.user_id))).map((m) => ({ groupId: m.group_id, userId: m.user_id }));
  const membersExtra = appMembers.filter((m) => !dirSet.has(k(m.directory_group_id, m.directory_user_id))).map((m) => ({ groupId: m.directory_group_id, userId: m.directory_user_id }));

  const held: ExplainedDrift[] = [];
  const heldUsers = new Set([...usersStale.map((u) => u.id), ...usersExtra, ...rolesStale.map((r) => r.userId), ...membersExtra.map((m) => m.userId)].filter((id) => explained.users.has(id)));
  for (const id of heldUsers) held.push({ kind: 'user', id, holdId: explained.users.get(id)!.holdId, reason: userWhy(id)! });
  const heldGroups = new Set([...groupsStale.map((g) => g.id), ...groupsExtra, ...membersExtra.map((m) => m.groupId)].filter((id) => explained.groups.has(id)));
  for (const id of heldGroups) held.push({ kind: 'group', id, holdId: explained.groups.get(id)!.holdId, reason: groupWhy(id)! });
  const keepUser = (id: string) => !explained.users.has(id);
  const keepGroup = (id: string) => !explained.groups.has(id);

  const driftCount = usersMissing.length + usersExtra.length + usersStale.length + groupsMissing.length + groupsExtra.length + groupsStale.length + membersMissing.length + membersExtra.length + rolesStale.length;
  if (repair && driftCount) {
    await db.transaction(async (trx) => {
      const repairs = new AppModelStore(trx);
      for (const id of [...usersMissing, ...usersStale.map((s) => s.id)].filter(keepUser)) {
        const u = dirUsers.get(id) as DirUser;
        await repairs.upsertUser(scope, id, u.version, u, false, true);
      }
      for (const id of usersExtra.filter(keepUser)) await repairs.markUserDeleted(id);
      for (const id of [...groupsMissing, ...groupsStale.map((s) => s.id)].filter(keepGroup)) {
        const g = dirGroups.get(id) as { name: string; external_id: string | null; version: number };
        await repairs.upsertGroup(scope, id, g.version, g.name, g.external_id, false, true);
      }
      for (const id of groupsExtra.filter(keepGroup)) await repairs.markGroupDeleted(id);
      for (const m of membersMissing) await repairs.upsertMembership(scope, m.groupId, m.userId, true, dirGroups.get(m.groupId)?.version ?? 0, true);
      for (const m of membersExtra.filter((x) => keepUser(x.userId) && keepGroup(x.groupId))) {
        await repairs.markMembershipAbsent(m.groupId, m.userId);
      }
      await new AppRoleStore(trx).recompute(scope.organizationId, [...dirUsers.keys(), ...usersExtra.filter(keepUser)]);
    });
  }
  return {
    users: { missing: list(usersMissing), extra: list(usersExtra), stale: list(usersStale) },
    groups: { missing: list(groupsMissing), extra: list(groupsExtra), stale: list(groupsStale) },
    memberships: { missing: list(membersMissing), extra: list(membersExtra) },
    roles: { stale: list(rolesStale) },
    held: list(held),
    driftCount,
    repaired: repair && driftCount > 0,
  };
}

/** The directory's users as the app model should hold them, roles included. */
async function loadDirectoryUsers(db: Db, directoryId: string): Promise<Map<string, DirUser>> {
  const users = new Map<string, DirUser>();
  for (const r of await new AppRoleStore(db).expectedUsersOf(directoryId)) {
    const fields = appUserFields(r.doc);
    users.set(r.id, { ...fields, user_name: r.user_name, status: r.active ? 'active' : 'suspended', id: r.id, version: r.version, roles: r.roles });
  }
  return users;
}
