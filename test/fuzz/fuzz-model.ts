import type { Knex } from 'knex';

export interface ModelUser {
  userName: string;
  active: boolean;
}

export interface ModelGroup {
  displayName: string;
  members: Set<string>;
}

/** What a directory must hold after the accepted requests, and nothing more. */
export class DirectoryModel {
  readonly users = new Map<string, ModelUser>();
  readonly groups = new Map<string, ModelGroup>();

  constructor(readonly directoryId: string) {}

  setUserFromResource(body: unknown): boolean {
    const r = body as { id?: unknown; userName?: unknown; active?: unknown } | undefined;
    if (typeof r?.id !== 'string' || typeof r.userName !== 'string') return false;
    this.users.set(r.id, { userName: r.userName.toLowerCase(), active: r.active !== false });
    return true;
  }

  deleteUser(id: string): void {
    this.users.delete(id);
    for (const g of this.groups.values()) g.members.delete(id);
  }

  setGroupFromResource(body: unknown): boolean {
    const r = body as { id?: unknown; displayName?: unknown; members?: unknown } | undefined;
    if (typeof r?.id !== 'string' || typeof r.displayName !== 'string') return false;
    const members = Array.isArray(r.members) ? r.members.map((m) => String((m as { value?: unknown }).value)) : [];
    this.groups.set(r.id, { displayName: r.displayName, members: new Set(members) });
    return true;
  }

  /** A random user id of this directory, if any. */
  someUser(pick: <T>(items: readonly T[]) => T): string | undefined {
    return this.users.size ? pick([...this.users.keys()]) : undefined;
  }

  someGroup(pick: <T>(items: readonly T[]) => T): string | undefined {
    return this.groups.size ? pick([...this.groups.keys()]) : undefined;
  }
}

/**
 * Compares the database with the models: the same users (id, lower-cased
 * userName, active), the same groups (id, displayName, member ids), members
 * only of their own directory, and no row of any directory the models do not
 * know (a rejected request that left a half-applied write shows up here).
 */
export async function compareWithDatabase(db: Knex, models: DirectoryModel[]): Promise<string[]> {
  const problems: string[] = [];
  const ids = models.map((m) => m.directoryId);
  const strays = await db('users').whereNotIn('directory_id', ids).count<{ count: number }[]>({ count: '*' });
  if (Number(strays[0]?.count) > 0) problems.push(`${strays[0]?.count} users in directories the fuzzer never wrote to`);
  for (const model of models) {
    const users: { id: string; user_name: string; active: boolean }[] = await db('users').where({ directory_id: model.directoryId }).select('id', 'user_name', 'active');
    const seen = new Set<string>();
    for (const u of users) {
      seen.add(u.id);
      const expected = model.users.get(u.id);
      if (!expected) problems.push(`directory ${model.directoryId}: user ${u.id} (${u.user_name}) exists but no accepted request created it`);
      else if (expected.userName !== u.user_name.toLowerCase() || expected.active !== u.active) {
        problems.push(`user ${u.id}: database has ${u.user_name}/${u.active}, model ${expected.userName}/${expected.active}`);
      }
    }
    for (const id of model.users.keys()) if (!seen.has(id)) problems.push(`user ${id} accepted but missing from the database`);

    const groups: { id: string; display_name: string }[] = await db('groups').where({ directory_id: model.directoryId }).select('id', 'display_name');
    const members: { group_id: string; user_id: string; user_dir: string }[] = await db('group_members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .where('m.directory_id', model.directoryId)
      .select('m.group_id', 'm.user_id', 'u.directory_id as user_dir');
    const byGroup = new Map<string, Set<string>>();
    for (const m of members) {
      if (m.user_dir !== model.directoryId) problems.push(`group ${m.group_id} has member ${m.user_id} of another directory`);
      byGroup.set(m.group_id, (byGroup.get(m.group_id) ?? new Set()).add(m.user_id));
    }
    const seenGroups = new Set<string>();
    for (const g of groups) {
      seenGroups.add(g.id);
      const expected = model.groups.get(g.id);
      if (!expected) {
        problems.push(`directory ${model.directoryId}: group ${g.id} (${g.display_name}) exists but no accepted request created it`);
        continue;
      }
      if (expected.displayName !== g.display_name) problems.push(`group ${g.id}: displayName ${JSON.stringify(g.display_name)}, model ${JSON.stringify(expected.displayName)}`);
      const actual = [...(byGroup.get(g.id) ?? [])].sort();
      const wanted = [...expected.members].sort();
      if (actual.join(',') !== wanted.join(',')) problems.push(`group ${g.id}: members [${actual.length}] differ from model [${wanted.length}]`);
    }
    for (const id of model.groups.keys()) if (!seenGroups.has(id)) problems.push(`group ${id} accepted but missing from the database`);
  }
  return problems;
}
