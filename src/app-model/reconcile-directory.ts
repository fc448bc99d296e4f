import type { Db } from '../store/db';
import { EXPECTED_ROLES_SQL, recomputeRoles } from './app-model-roles';
import { appUserFields, upsertAppGroup, upsertAppMembership, upsertAppUser, type AppUserFields, type Scope } from './app-model-sink';
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
  const dir: { organization_id: string } | undefined = await db('directories').where({ id: directoryId }).first('organization_id');
  if (!dir) throw new Error(`directory ${directoryId} not found`);
  const scope: Scope = { organizationId: dir.organization_id, directoryId };

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
  for (const r of (await db('app_users').where({ directory_id: directoryId })) as (AppUserFields & { directory_user_id: string; version: number; roles: string[]; deleted_at: Date | null })[]) {
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
  for (const g of (await db('groups').where({ directory_id: directoryId }).select('id', 'display_name as name', 'external_id', 'version')) as { id: string; name: string; external_id: string | null; version: number }[]) dirGroups.set(g.id, g);
  const appGroups: { directory_group_id: string; name: string; external_id: string | null; version: number; deleted_at: Date | null }[] = await db('app_groups').where({ directory_id: directoryId });
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

  const dirMembers: { group_id: string; user_id: string }[] = await db('group_members').where({ directory_id: directoryId }).select('group_id', 'user_id');
  const appMembers: { directory_group_id: string; directory_user_id: string }[] = await db('app_memberships').where({ directory_id: directoryId, present: true }).select('directory_group_id', 'directory_user_id');
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
      for (const id of [...usersMissing, ...usersStale.map((s) => s.id)].filter(keepUser)) {
        const u = dirUsers.get(id) as DirUser;
        await upsertAppUser(trx, scope, id, u.version, u, false, true);
      }
      for (const id of usersExtra.filter(keepUser)) await trx('app_users').where({ directory_user_id: id }).update({ deleted_at: trx.fn.now(), roles: '{}', updated_at: trx.fn.now() });
      for (const id of [...groupsMissing, ...groupsStale.map((s) => s.id)].filter(keepGroup)) {
        const g = dirGroups.get(id) as { name: string; external_id: string | null; version: number };
        await upsertAppGroup(trx, scope, id, g.version, g.name, g.external_id, false, true);
      }
      for (const id of groupsExtra.filter(keepGroup)) await trx('app_groups').where({ directory_group_id: id }).update({ deleted_at: trx.fn.now(), updated_at: trx.fn.now() });
      for (const m of membersMissing) await upsertAppMembership(trx, scope, m.groupId, m.userId, true, dirGroups.get(m.groupId)?.version ?? 0, true);
      for (const m of membersExtra.filter((x) => keepUser(x.userId) && keepGroup(x.groupId))) {
        await trx('app_memberships').where({ directory_group_id: m.groupId, directory_user_id: m.userId }).update({ present: false, updated_at: trx.fn.now() });
      }
      await recomputeRoles(trx, scope.organizationId, [...dirUsers.keys(), ...usersExtra.filter(keepUser)]);
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
  const result = await db.raw<{ rows: { id: string; user_name: string; active: boolean; version: number; doc: Record<string, unknown>; roles: string[] }[] }>(
    `SELECT u0.id, u0.user_name, u0.active, u0.version, u0.doc, ${EXPECTED_ROLES_SQL.replace('%USER%', 'u0.id')} AS roles
       FROM users u0 WHERE u0.directory_id = ?`,
    [directoryId],
  );
  const users = new Map<string, DirUser>();
  for (const r of result.rows) {
    const fields = appUserFields(r.doc);
    users.set(r.id, { ...fields, user_name: r.user_name, status: r.active ? 'active' : 'suspended', id: r.id, version: r.version, roles: r.roles });
  }
  return users;
}
