import type { Db } from '../src/store/db';
import { expectedRoles, type ExpectedState } from './workload';
import type { ChaosReceiver } from './webhook-receiver';

export interface Check {
  ok: boolean;
  what: string;
}

const count = async (q: Promise<{ n: string | number }[]>): Promise<number> => Number((await q)[0]?.n ?? 0);
const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
const sample = (xs: Iterable<string>, n = 3) => [...xs].slice(0, n).join(', ');

/** The directory in PostgreSQL against the client's model, and no duplicate effect. */
export async function verifyDirectory(db: Db, directoryId: string, state: ExpectedState): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (ok: boolean, what: string) => checks.push({ ok, what });
  check(state.clientProblems.length === 0, `client saw no anomaly${state.clientProblems.length ? `: ${state.clientProblems.slice(0, 3).join('; ')}` : ''}`);

  const users: { id: string; user_name: string; active: boolean; display_name: string | null }[] = await db('users').where({ directory_id: directoryId }).select('id', 'user_name', 'active', 'display_name');
  const byId = new Map(users.map((u) => [u.id, u]));
  const wrongUsers = state.users.filter((u) => {
    const row = byId.get(u.id);
    return !row || row.user_name !== u.userName || row.active !== u.active || row.display_name !== u.displayName;
  });
  check(users.length === state.users.length && wrongUsers.length === 0, `users: ${users.length} rows, expected ${state.users.length}; ${wrongUsers.length} differ${wrongUsers.length ? ` (${sample(wrongUsers.map((u) => u.userName))})` : ''}`);

  const groups: { id: string; display_name: string }[] = await db('groups').where({ directory_id: directoryId }).select('id', 'display_name');
  const groupNames = new Map(groups.map((g) => [g.id, g.display_name]));
  check(groups.length === state.groups.length && state.groups.every((g) => groupNames.get(g.id) === g.name), `groups: ${groups.length} rows with the pushed names, expected ${state.groups.length}`);

  const want = new Set(state.groups.flatMap((g) => [...g.members].map((u) => `${g.id}/${u}`)));
  const members: { group_id: string; user_id: string }[] = await db('group_members').where({ directory_id: directoryId }).select('group_id', 'user_id');
  const got = new Set(members.map((m) => `${m.group_id}/${m.user_id}`));
  check(got.size === members.length && sameSet(got, want), `memberships: ${got.size} rows, expected ${want.size}`);

  // No duplicate effect: one create per user and group, one record per acknowledged write.
  const ops = (method: string, type: string, status?: number[]) => {
    const q = db('operations').where({ directory_id: directoryId, method, resource_type: type });
    if (status) void q.whereIn('status', status);
    return count(q.count('* as n'));
  };
  const userCreates: { resource_id: string; n: number }[] = (await db.raw(`SELECT resource_id, count(*)::int AS n FROM operations WHERE directory_id = ? AND method = 'POST' AND resource_type = 'User' GROUP BY resource_id`, [directoryId])).rows;
  check(userCreates.length === state.users.length && userCreates.every((r) => r.n === 1), `user creates: ${userCreates.length} operations, one per user (acknowledged ${state.acknowledged.userCreates})`);
  check((await ops('POST', 'Group')) === state.groups.length, `group creates: one operation per group`);
  const patches = (await ops('PATCH', 'Group')) + (await ops('PATCH', 'User'));
  check(patches === state.acknowledged.patches, `PATCH operations: ${patches}, acknowledged ${state.acknowledged.patches}`);
  const puts = await ops('PUT', 'User');
  check(puts === state.acknowledged.puts, `PUT operations: ${puts}, acknowledged ${state.acknowledged.puts}`);
  const conflicts = await count(db('operations').where({ directory_id: directoryId }).where('status', '>=', 400).count('* as n'));
  check(conflicts === 0, `no failed operations recorded (409 or otherwise): ${conflicts}`);

  const perType: { type: string; resource_id: string; n: number }[] = (await db.raw(`SELECT type, resource_id, count(*)::int AS n FROM events WHERE directory_id = ? AND type IN ('user.created','group.created','user.deactivated') GROUP BY 1, 2`, [directoryId])).rows;
  const once = (type: string, expected: number) => {
    const rows = perType.filter((r) => r.type === type);
    check(rows.length === expected && rows.every((r) => r.n === 1), `${type} events: ${rows.length} resources, each once (expected ${expected})`);
  };
  once('user.created', state.users.length);
  once('group.created', state.groups.length);
  once('user.deactivated', state.users.filter((u) => !u.active).length);
  const pairs: { type: string; pair: string; n: number }[] = (await db.raw(
    `SELECT type, resource_id || '/' || (data->'user'->>'id') AS pair, count(*)::int AS n FROM events WHERE directory_id = ? AND type IN ('group.user_added','group.user_removed') GROUP BY 1, 2`,
    [directoryId],
  )).rows;
  const added = pairs.filter((p) => p.type === 'group.user_added');
  const removed = pairs.filter((p) => p.type === 'group.user_removed');
  check(added.length === want.size + state.removedPairs.size && added.every((p) => p.n === 1), `group.user_added: ${added.length} pairs, each once (expected ${want.size + state.removedPairs.size})`);
  check(sameSet(new Set(removed.map((p) => p.pair)), state.removedPairs) && removed.every((p) => p.n === 1), `group.user_removed: ${removed.length} pairs, each once (expected ${state.removedPairs.size})`);
  // Numbers are given by the outbox drainer a few ms after commit (docs/delivery.md): wait for them.
  for (let i = 0; i < 100 && (await count(db('events').where({ directory_id: directoryId }).whereNull('seq').count('* as n'))) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const seq = (await db.raw(`SELECT count(*)::int AS n, coalesce(max(seq), 0)::int AS max, count(DISTINCT seq)::int AS d FROM events WHERE directory_id = ?`, [directoryId])).rows[0] as { n: number; max: number; d: number };
  check(seq.n === seq.max && seq.d === seq.n, `event sequence 1..${seq.max} without gaps or duplicates`);
  return checks;
}

/** One snapshot of the app user model against the model; `converged` when every check holds. */
export async function verifyAppModel(db: Db, organizationId: string, directoryId: string, state: ExpectedState): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (ok: boolean, what: string) => checks.push({ ok, what });
  const roles = expectedRoles(state);
  const rows: { directory_user_id: string; user_name: string; status: string; roles: string[]; display_name: string | null; deleted_at: Date | null }[] = await db('app_users').where({ directory_id: directoryId }).select('directory_user_id', 'user_name', 'status', 'roles', 'display_name', 'deleted_at');
  const byId = new Map(rows.map((r) => [r.directory_user_id, r]));
  const wrong = state.users.filter((u) => {
    const r = byId.get(u.id);
    return !r || r.deleted_at !== null || r.user_name !== u.userName || r.status !== (u.active ? 'active' : 'suspended') || r.display_name !== u.displayName;
  });
  check(rows.length === state.users.length && wrong.length === 0, `app_users: ${rows.length} rows, expected ${state.users.length}; ${wrong.length} differ in name/status/profile`);
  const wrongRoles = state.users.filter((u) => JSON.stringify(byId.get(u.id)?.roles ?? null) !== JSON.stringify(roles.get(u.id)));
  const withRoles = [...roles.values()].filter((r) => r.length).length;
  check(wrongRoles.length === 0, `app_users roles: ${wrongRoles.length} differ (${withRoles} users hold roles)`);
  const groups: { directory_group_id: string; name: string; deleted_at: Date | null }[] = await db('app_groups').where({ directory_id: directoryId }).select('directory_group_id', 'name', 'deleted_at');
  const gById = new Map(groups.map((g) => [g.directory_group_id, g]));
  check(groups.length === state.groups.length && state.groups.every((g) => gById.get(g.id)?.name === g.name && gById.get(g.id)?.deleted_at === null), `app_groups: ${groups.length} rows with current names, expected ${state.groups.length}`);
  const want = new Set(state.groups.flatMap((g) => [...g.members].map((u) => `${g.id}/${u}`)));
  const present: { directory_group_id: string; directory_user_id: string }[] = await db('app_memberships').where({ directory_id: directoryId, present: true }).select('directory_group_id', 'directory_user_id');
  check(sameSet(new Set(present.map((m) => `${m.directory_group_id}/${m.directory_user_id}`)), want), `app_memberships: ${present.length} present, expected ${want.size}`);
  // Delivered-ness is the (sink, directory) cursor (docs/delivery.md): every event sequenced,
  // every enabled sink's cursor at the directory's last event, no delivery pending or dead.
  const events = await count(db('events').where({ organization_id: organizationId }).count('* as n'));
  const unsequenced = await count(db('events').where({ organization_id: organizationId }).whereNull('seq').count('* as n'));
  const lastSeq = await count(db('events').where({ directory_id: directoryId }).max('seq as n'));
  const sinks = await count(db('sinks').where({ organization_id: organizationId, enabled: true }).count('* as n'));
  const atEnd = await count(
    db('delivery_cursors as c').join('sinks as s', 's.id', 'c.sink_id').where({ 'c.directory_id': directoryId, 's.enabled': true }).andWhere('c.last_seq', '>=', lastSeq).count('* as n'),
  );
  const undelivered = await count(db('deliveries').where({ organization_id: organizationId }).whereNot({ status: 'delivered' }).count('* as n'));
  check(unsequenced === 0 && atEnd === sinks && undelivered === 0, `deliveries: ${events} events (${unsequenced} unsequenced), ${atEnd} of ${sinks} sink cursors at seq ${lastSeq}, ${undelivered} pending/dead`);
  const dead = await count(db('dead_letters').where({ organization_id: organizationId }).count('* as n'));
  check(dead === 0, `no dead letters (${dead})`);
  return checks;
}

/** Every event of the organization reached the webhook, signed correctly. */
export async function verifyWebhook(db: Db, organizationId: string, receiver: ChaosReceiver): Promise<Check[]> {
  const ids: { id: string }[] = await db('events').where({ organization_id: organizationId }).select('id');
  const missing = ids.filter((e) => !receiver.accepted.has(e.id));
  const known = new Set(ids.map((e) => e.id));
  const extra = [...receiver.accepted.keys()].filter((id) => !known.has(id));
  return [
    { ok: missing.length === 0 && extra.length === 0, what: `webhook: ${receiver.accepted.size} distinct webhook-ids accepted, ${ids.length} events, ${missing.length} missing, ${extra.length} unknown (${receiver.counts.duplicates} duplicate deliveries, deduped by webhook-id)` },
    { ok: receiver.counts.badSignature === 0, what: `webhook signatures: ${receiver.counts.requests} requests, ${receiver.counts.badSignature} bad` },
  ];
}

/** No credential in the children's logs. */
export function verifyNoSecrets(logs: string, secrets: Record<string, string>): Check[] {
  return Object.entries(secrets).map(([what, value]) => ({ ok: !logs.includes(value), what: `logs (${Math.round(logs.length / 1024)} KiB) contain no ${what}` }));
}
