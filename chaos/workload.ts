import { oktaUser, oktaGroup, patch, lookupPath } from '../test/support/okta-bodies';
import type { OktaClient } from './okta-client';

export type Phase = 'import' | 'groups' | 'memberships' | 'renames' | 'profiles' | 'deactivations';

export interface WorkloadOptions {
  users: number;
  groups: number;
  lanes: number;
  onImportProgress?: (done: number, total: number) => void;
  onPhase?: (phase: Phase) => void;
}

export interface ExpectedUser {
  userName: string;
  id: string;
  active: boolean;
  displayName: string;
}

export interface ExpectedGroup {
  id: string;
  name: string;
  members: Set<string>;
}

/** The state the client expects, built only from what it sent and what was acknowledged. */
export interface ExpectedState {
  users: ExpectedUser[];
  groups: ExpectedGroup[];
  /** group id/user id pairs added and later removed (one added + one removed event each). */
  removedPairs: Set<string>;
  /** Role mappings (group display name, case-insensitive → roles) set up before the run. */
  roleMappings: { groupName: string; role: string }[];
  acknowledged: { userCreates: number; groupCreates: number; patches: number; puts: number };
  /** Discrepancies seen by the client itself (409s, lookups that found a user it never created…). */
  clientProblems: string[];
}

export const chaosUserName = (i: number) => `chaos.user${String(i).padStart(5, '0')}@chaos.example.com`;
export const chaosGroupName = (g: number) => `Chaos Group ${g}`;
const renamed = (g: number) => `Chaos Group ${g} Renamed`;

/** Role mappings the run installs before the import: roles follow group names, so renames move roles. */
export function chaosRoleMappings(): { groupName: string; role: string }[] {
  return [
    { groupName: chaosGroupName(0), role: 'role-zero' },
    { groupName: chaosGroupName(1), role: 'role-one' },
    { groupName: chaosGroupName(2), role: 'role-two' },
    { groupName: renamed(0), role: 'admin' },
  ];
}

/** Runs `work(i)` for i in [0, n) on `lanes` concurrent lanes; the first error stops every lane. */
async function inLanes(n: number, lanes: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(lanes, n)) }, async () => {
      while (next < n && failed === undefined) {
        try {
          await work(next++);
        } catch (err) {
          failed ??= err;
        }
      }
    }),
  );
  if (failed !== undefined) throw failed;
}

const ok = (status: number, ...expected: number[]) => expected.includes(status);

/**
 * An Okta-shaped import: per user the userName lookup then the create with Okta's
 * full body; then Group Push (lookup, create empty, PATCH member adds in batches with
 * the rename op Okta re-sends, filtered removes), renames, profile updates (GET +
 * PUT) and deactivations (path-less PATCH active=false). docs/okta.md §2, 3, 5, 6, 8.
 */
export async function runOktaWorkload(client: OktaClient, opts: WorkloadOptions): Promise<ExpectedState> {
  const { call } = client;
  const state: ExpectedState = { users: [], groups: [], removedPairs: new Set(), roleMappings: chaosRoleMappings(), acknowledged: { userCreates: 0, groupCreates: 0, patches: 0, puts: 0 }, clientProblems: [] };
  const problem = (what: string) => {
    if (state.clientProblems.length < 50) state.clientProblems.push(what);
  };

  opts.onPhase?.('import');
  let done = 0;
  await inLanes(opts.users, opts.lanes, async (i) => {
    const userName = chaosUserName(i);
    const found = await call('GET', lookupPath(userName));
    if (found.status !== 200) throw new Error(`lookup ${userName}: HTTP ${found.status}`);
    let id: string;
    if (found.body.totalResults > 0) {
      problem(`lookup found ${userName} before it was created`);
      id = found.body.Resources[0].id;
    } else {
      const body = oktaUser(userName, 'Chaos', `User${i}`);
      const res = await call('POST', '/Users', body);
      if (res.status === 409) {
        problem(`create ${userName}: spurious 409`);
        id = (await call('GET', lookupPath(userName))).body.Resources[0].id;
      } else if (res.status === 201) {
        state.acknowledged.userCreates++;
        id = res.body.id;
      } else throw new Error(`create ${userName}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    state.users[i] = { userName, id, active: true, displayName: `Chaos User${i}` };
    opts.onImportProgress?.(++done, opts.users);
  });

  opts.onPhase?.('groups');
  await inLanes(opts.groups, opts.lanes, async (g) => {
    const name = chaosGroupName(g);
    const found = await call('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}&startIndex=1&count=100`);
    if (found.status !== 200) throw new Error(`group lookup ${name}: HTTP ${found.status}`);
    if (found.body.totalResults > 0) problem(`group lookup found ${name} before it was created`);
    const res = await call('POST', '/Groups', oktaGroup(name));
    if (!ok(res.status, 201)) throw new Error(`create group ${name}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    state.acknowledged.groupCreates++;
    state.groups[g] = { id: res.body.id, name, members: new Set() };
  });

  opts.onPhase?.('memberships');
  const planned = state.groups.map(() => [] as number[]);
  for (let i = 0; i < opts.users; i++) {
    planned[i % opts.groups]!.push(i);
    const second = (i * 7 + 3) % opts.groups;
    if (second !== i % opts.groups) planned[second]!.push(i);
  }
  const sendPatch = async (g: number, what: string, ...operations: unknown[]) => {
    const group = state.groups[g]!;
    const res = await call('PATCH', `/Groups/${group.id}`, patch(...operations));
    if (!ok(res.status, 200, 204)) throw new Error(`${what} on ${group.name}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    state.acknowledged.patches++;
  };
  await inLanes(opts.groups, opts.lanes, async (g) => {
    const group = state.groups[g]!;
    const members = planned[g]!;
    for (let k = 0; k < members.length; k += 50) {
      const batch = members.slice(k, k + 50).map((i) => state.users[i]!);
      // Okta re-sends the rename (with the id inside the value) with every membership update.
      await sendPatch(g, 'add members', { op: 'replace', value: { id: group.id, displayName: group.name } }, { op: 'add', path: 'members', value: batch.map((u) => ({ value: u.id, display: u.userName })) });
      for (const u of batch) group.members.add(u.id);
    }
    // Several filtered removes in one PatchOp; one of them absent (not an error).
    const gone = members.slice(0, 3).map((i) => state.users[i]!);
    const absent = state.users.find((u) => !group.members.has(u.id));
    await sendPatch(g, 'remove members', ...[...gone, ...(absent ? [absent] : [])].map((u) => ({ op: 'remove', path: `members[value eq "${u.id}"]` })));
    for (const u of gone) {
      group.members.delete(u.id);
      state.removedPairs.add(`${group.id}/${u.id}`);
    }
  });

  opts.onPhase?.('renames');
  await inLanes(opts.groups, opts.lanes, async (g) => {
    if (g % 4 !== 0) return;
    const group = state.groups[g]!;
    await sendPatch(g, 'rename', { op: 'replace', value: { id: group.id, displayName: renamed(g) } });
    group.name = renamed(g);
  });

  opts.onPhase?.('profiles');
  const profiled = state.users.filter((_, i) => i % 25 === 7);
  await inLanes(profiled.length, opts.lanes, async (k) => {
    const u = profiled[k]!;
    const got = await call('GET', `/Users/${u.id}`);
    if (got.status !== 200) throw new Error(`get ${u.userName}: HTTP ${got.status}`);
    // Okta PUTs the whole object back with its own odd meta dates and a password.
    const body = { ...got.body, displayName: `${u.displayName} (updated)`, password: 'xK9!placeholder-Okta', meta: { created: '04-12-2018 00:00:00', lastModified: '04-12-2018 00:00:00' } };
    const res = await call('PUT', `/Users/${u.id}`, body);
    if (res.status !== 200) throw new Error(`put ${u.userName}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    state.acknowledged.puts++;
    u.displayName = `${u.displayName} (updated)`;
  });

  opts.onPhase?.('deactivations');
  const leaving = state.users.filter((_, i) => i % 10 === 3);
  await inLanes(leaving.length, opts.lanes, async (k) => {
    const u = leaving[k]!;
    const res = await call('PATCH', `/Users/${u.id}`, patch({ op: 'replace', value: { active: false } }));
    if (!ok(res.status, 200, 204)) throw new Error(`deactivate ${u.userName}: HTTP ${res.status}`);
    state.acknowledged.patches++;
    u.active = false;
  });
  return state;
}

/** Expected roles of each user id: mapped roles of the groups it is in now (by current name), none when inactive. */
export function expectedRoles(state: ExpectedState): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const m of state.roleMappings) byName.set(m.groupName.toLowerCase(), [...(byName.get(m.groupName.toLowerCase()) ?? []), m.role]);
  const roles = new Map<string, Set<string>>(state.users.map((u) => [u.id, new Set<string>()]));
  for (const g of state.groups) for (const uid of g.members) for (const r of byName.get(g.name.toLowerCase()) ?? []) roles.get(uid)?.add(r);
  const active = new Map(state.users.map((u) => [u.id, u.active]));
  return new Map([...roles].map(([id, set]) => [id, active.get(id) ? [...set].sort() : []]));
}
