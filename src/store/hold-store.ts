import type { Knex } from 'knex';
import type { Db } from './db';
import { isUuid } from '../common/uuid';

type Handle = Db | Knex.Transaction;

export type HoldStatus = 'held' | 'released' | 'discarded';
export type HoldKind = 'deactivation' | 'deletion' | 'role_removal' | 'group_deletion';

export interface HoldCounts {
  deactivations: number;
  deletions: number;
  roleRemovals: number;
  groupDeletions: number;
  /** Held events a later change undid (a reactivation): never delivered. */
  cancelled: number;
}

export interface Hold {
  id: string;
  organizationId: string;
  directoryId: string;
  status: HoldStatus;
  counts: HoldCounts;
  /** Events held, destructive or waiting behind one (cancelled ones excluded). */
  heldEvents: number;
  people: number;
  firstAt: Date;
  lastAt: Date;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
}

export interface HoldPerson {
  userId: string;
  userName: string | null;
  kinds: string[];
  roles: string[];
}

/** Per-directory thresholds as stored: null means "the global default". */
export interface StoredBreakerSettings {
  enabled: boolean | null;
  windowSeconds: number | null;
  minCount: number | null;
  minPercent: number | null;
}

/** One event of a round the breaker must look at (HoldStore.roundCandidates). */
export interface CandidateRow {
  id: string;
  directory_id: string;
  organization_id: string;
  seq: number;
  resource_type: string;
  resource_id: string;
  kind: HoldKind | null;
  subject: string | null;
  behind_hold: string | null;
  restores: boolean;
  supersedes: boolean;
}

/** What the breaker needs to know about a directory in a round with candidates. */
export interface DirectoryContext {
  enabled: boolean | null;
  window_seconds: number | null;
  min_count: number | null;
  min_percent: string | null;
  open_hold: string | null;
  window_count: number;
  active_users: number;
}

interface HoldRow {
  id: string;
  organization_id: string;
  directory_id: string;
  status: HoldStatus;
  deactivations: number;
  deletions: number;
  role_removals: number;
  group_deletions: number;
  cancelled: number;
  first_at: Date;
  last_at: Date;
  created_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  held_events?: number;
  people?: number;
}

const toHold = (r: HoldRow): Hold => ({
  id: r.id,
  organizationId: r.organization_id,
  directoryId: r.directory_id,
  status: r.status,
  counts: { deactivations: r.deactivations, deletions: r.deletions, roleRemovals: r.role_removals, groupDeletions: r.group_deletions, cancelled: r.cancelled },
  heldEvents: Number(r.held_events ?? 0),
  people: Number(r.people ?? 0),
  firstAt: r.first_at,
  lastAt: r.last_at,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
});

const HOLD_COLUMNS = `h.*,
  (SELECT count(*) FROM hold_events he WHERE he.hold_id = h.id AND NOT he.cancelled)::int AS held_events,
  (SELECT count(*) FROM hold_people hp WHERE hp.hold_id = h.id AND NOT hp.cancelled)::int AS people`;

/** The app roles a group's name maps to that a user holds now (what a removal or a group deletion takes away). */
const ROLES_FROM_GROUP = (groupName: string, user: string) => `ARRAY(
  SELECT DISTINCT m.role FROM app_users au JOIN role_mappings m ON m.organization_id = au.organization_id AND m.role = ANY(au.roles)
   WHERE au.directory_user_id = ${user} AND lower(m.group_name) = lower(${groupName}) ORDER BY 1)`;

/**
 * The circuit breaker's tables (docs/circuit-breaker.md): per-directory thresholds,
 * the sliding window's marks, holds with their events and people. The sequencer
 * calls `roundCandidates` once per round and the `apply*` methods only when a round
 * has something to hold, mark or cancel.
 */
export class HoldStore {
  constructor(private readonly db: Handle) {}

  /**
   * Classifies the events a sequencer round must judge (the numbering statement named
   * them: destructive ones, or all of a directory with a hold), in one statement:
   * destructive by itself (deactivation, deletion, a membership removal that takes a
   * role away, a group deletion), waiting behind an open hold's event of the same
   * resource, undoing a deactivation, or superseding a discarded hold's preserved
   * roles. Events by id (an exact estimate, a cheap plan); the open holds' resources
   * and the people discarded holds protect are read once and hashed; per-event
   * subqueries run only for the event types that need them.
   */
  async roundCandidates(trx: Knex.Transaction, eventIds: string[]): Promise<CandidateRow[]> {
    if (!eventIds.length) return [];
    const r = await trx.raw<{ rows: CandidateRow[] }>(
      `WITH dirs AS MATERIALIZED (SELECT DISTINCT directory_id FROM events WHERE id = ANY(CAST(:ids AS uuid[]))),
       open_res AS MATERIALIZED (
         SELECT DISTINCT ON (he.resource_type, he.resource_id) he.resource_type, he.resource_id, he.hold_id
           FROM holds h JOIN hold_events he ON he.hold_id = h.id AND NOT he.cancelled
          WHERE h.status = 'held' AND h.directory_id IN (SELECT directory_id FROM dirs)),
       kept AS MATERIALIZED (
         SELECT DISTINCT hp.user_id FROM holds h JOIN hold_people hp ON hp.hold_id = h.id AND hp.preserve AND NOT hp.cancelled
          WHERE h.status <> 'held' AND h.directory_id IN (SELECT directory_id FROM dirs)),
       ev AS MATERIALIZED (
         SELECT e.id, e.directory_id, e.organization_id, e.seq, e.resource_type, e.resource_id, e.type, e.data,
           CASE
             WHEN e.type = 'user.deactivated' THEN 'deactivation'
             WHEN e.type = 'user.deleted' THEN 'deletion'
             -- A user first written inactive by an update (not the deactivation event) takes access away too.
             WHEN e.type = 'user.updated' AND e.data->'resource'->>'active' = 'false'
                  AND EXISTS (SELECT 1 FROM app_users au WHERE au.directory_user_id = e.resource_id AND au.status = 'active' AND au.deleted_at IS NULL) THEN 'deactivation'
             WHEN e.type = 'group.deleted' THEN 'group_deletion'
             -- A removal is destructive when the group's name maps to a role the user holds
             -- in the app and no other group of the user (in the directory now) grants it.
             WHEN e.type = 'group.user_removed' AND EXISTS (
                  SELECT 1 FROM app_users au
                    JOIN role_mappings m ON m.organization_id = au.organization_id AND m.role = ANY(au.roles)
                   WHERE au.directory_user_id = CAST(e.data->'user'->>'id' AS uuid)
                     AND lower(m.group_name) = lower(e.data->'group'->>'displayName')
                     AND NOT EXISTS (
                           SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id
                             JOIN role_mappings m2 ON m2.organization_id = m.organization_id AND m2.role = m.role AND lower(m2.group_name) = lower(g.display_name)
                            WHERE gm.user_id = au.directory_user_id)) THEN 'role_removal'
           END AS kind,
           o.hold_id AS behind_hold,
           (e.resource_type = 'user' AND e.type <> 'user.deleted' AND coalesce(e.data->'resource'->>'active', 'true') <> 'false') AS restores,
           (k.user_id IS NOT NULL) AS supersedes
           FROM events e
           LEFT JOIN open_res o ON o.resource_type = e.resource_type AND o.resource_id = e.resource_id
           LEFT JOIN kept k ON e.resource_type = 'user' AND k.user_id = e.resource_id
          -- A released copy was judged once already: it is delivered as it is.
          WHERE e.id = ANY(CAST(:ids AS uuid[])) AND e.released_from IS NULL)
       SELECT ev.id, ev.directory_id, ev.organization_id, ev.seq, ev.resource_type, ev.resource_id, ev.kind, ev.behind_hold, ev.restores, ev.supersedes,
              CASE WHEN ev.kind = 'group_deletion' THEN 'group:' || ev.resource_id
                   WHEN ev.kind = 'role_removal' THEN 'user:' || (ev.data->'user'->>'id')
                   WHEN ev.kind IS NOT NULL THEN 'user:' || ev.resource_id END AS subject
         FROM ev WHERE ev.kind IS NOT NULL OR ev.behind_hold IS NOT NULL OR ev.supersedes
        ORDER BY ev.directory_id, ev.seq`,
      { ids: eventIds },
    );
    return r.rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  /**
   * The second statement of a round that has candidates: per directory its thresholds
   * (stored overrides), open hold, the distinct subjects counted in the window, and the
   * active users; and which of the round's subjects the window already counts.
   */
  async roundContext(trx: Knex.Transaction, directoryIds: string[], subjects: { directoryId: string; subject: string }[], windowSeconds: number): Promise<{ directories: Map<string, DirectoryContext>; inWindow: Set<string> }> {
    const r = await trx.raw<{ rows: (DirectoryContext & { directory_id: string; in_window: string[] | null })[] }>(
      `WITH d(directory_id) AS (SELECT DISTINCT unnest(CAST(:dirs AS uuid[]))),
       s(directory_id, subject) AS (SELECT * FROM unnest(CAST(:sdirs AS uuid[]), CAST(:subjects AS text[]))),
       w AS (SELECT d.directory_id, bs.enabled, bs.window_seconds, bs.min_count, bs.min_percent,
                    greatest(now() - make_interval(secs => coalesce(bs.window_seconds, :window)), coalesce(bs.counted_from, '-infinity'::timestamptz)) AS window_start
               FROM d LEFT JOIN breaker_settings bs ON bs.directory_id = d.directory_id)
       SELECT w.directory_id, w.enabled, w.window_seconds, w.min_count, w.min_percent,
              (SELECT h.id FROM holds h WHERE h.directory_id = w.directory_id AND h.status = 'held') AS open_hold,
              (SELECT count(DISTINCT bm.subject) FROM breaker_marks bm WHERE bm.directory_id = w.directory_id AND bm.at > w.window_start)::int AS window_count,
              (SELECT count(*) FROM users u WHERE u.directory_id = w.directory_id AND u.active)::int AS active_users,
              ARRAY(SELECT DISTINCT bm.subject FROM breaker_marks bm JOIN s ON s.directory_id = bm.directory_id AND s.subject = bm.subject
                     WHERE bm.directory_id = w.directory_id AND bm.at > w.window_start) AS in_window
         FROM w`,
      { dirs: directoryIds, sdirs: subjects.map((x) => x.directoryId), subjects: subjects.map((x) => x.subject), window: windowSeconds },
    );
    const directories = new Map<string, DirectoryContext>();
    const inWindow = new Set<string>();
    for (const row of r.rows) {
      directories.set(row.directory_id, { enabled: row.enabled, window_seconds: row.window_seconds, min_count: row.min_count, min_percent: row.min_percent, open_hold: row.open_hold, window_count: row.window_count, active_users: row.active_users });
      for (const subject of row.in_window ?? []) inWindow.add(`${row.directory_id}/${subject}`);
    }
    return { directories, inWindow };
  }

  /** Opens a hold (at most one open per directory: the unique index) and returns its id. */
  async open(trx: Knex.Transaction, organizationId: string, directoryId: string): Promise<string> {
    const r = await trx.raw<{ rows: { id: string }[] }>(
      `INSERT INTO holds (organization_id, directory_id, first_at, last_at) VALUES (?, ?, now(), now()) RETURNING id`,
      [organizationId, directoryId],
    );
    return r.rows[0]!.id;
  }

  /**
   * Locks holds a round is about to add events to (or cancel events of) and returns
   * those still open. A release or discard locks the same row first, so either it
   * runs after this round commits (and includes what the round added), or it ran
   * before and the round must be judged again on a fresh snapshot.
   */
  async lockOpen(trx: Knex.Transaction, holdIds: string[]): Promise<Set<string>> {
    if (!holdIds.length) return new Set();
    const r = await trx.raw<{ rows: { id: string }[] }>(`SELECT id FROM holds WHERE id = ANY(CAST(? AS uuid[])) AND status = 'held' ORDER BY id FOR UPDATE`, [holdIds]);
    return new Set(r.rows.map((row) => row.id));
  }

  /** Next version of the directory resource (for the `directory.sync_held` event). */
  async bumpDirectoryVersion(trx: Knex.Transaction, directoryId: string): Promise<number> {
    const r = await trx.raw<{ rows: { version: number }[] }>('UPDATE directories SET version = version + 1 WHERE id = ? RETURNING version', [directoryId]);
    return r.rows[0]?.version ?? 1;
  }

  /** Holds events (sets `events.held_by` and records them in `hold_events`), in one statement. */
  async holdEvents(trx: Knex.Transaction, held: { eventId: string; holdId: string; kind: HoldKind | null }[]): Promise<void> {
    if (!held.length) return;
    await trx.raw(
      `WITH x(event_id, hold_id, kind) AS (SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:holds AS uuid[]), CAST(:kinds AS text[]))),
       marked AS (UPDATE events e SET held_by = x.hold_id FROM x WHERE e.id = x.event_id
                  RETURNING e.id, x.hold_id, x.kind, e.directory_id, e.seq, e.resource_type, e.resource_id)
       INSERT INTO hold_events (event_id, hold_id, directory_id, seq, resource_type, resource_id, kind)
       SELECT id, hold_id, directory_id, seq, resource_type, resource_id, kind FROM marked ON CONFLICT DO NOTHING`,
      { ids: held.map((h) => h.eventId), holds: held.map((h) => h.holdId), kinds: held.map((h) => h.kind) },
    );
  }

  /** Records destructive changes for the sliding window. */
  async mark(trx: Knex.Transaction, marks: { eventId: string; subject: string; kind: HoldKind }[]): Promise<void> {
    if (!marks.length) return;
    await trx.raw(
      `INSERT INTO breaker_marks (event_id, directory_id, subject, kind, at)
       SELECT e.id, e.directory_id, x.subject, x.kind, e.occurred_at
         FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[])) AS x(event_id, subject, kind) JOIN events e ON e.id = x.event_id
       ON CONFLICT DO NOTHING`,
      [marks.map((m) => m.eventId), marks.map((m) => m.subject), marks.map((m) => m.kind)],
    );
  }

  /** A later change undid these resources' held events (a reactivation): never delivered, not listed. */
  async cancel(trx: Knex.Transaction, cancelled: { holdId: string; resourceType: string; resourceId: string }[]): Promise<void> {
    if (!cancelled.length) return;
    await trx.raw(
      `UPDATE hold_events he SET cancelled = true
         FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS uuid[])) AS x(hold_id, resource_type, resource_id)
        WHERE he.hold_id = x.hold_id AND he.resource_type = x.resource_type AND he.resource_id = x.resource_id`,
      [cancelled.map((c) => c.holdId), cancelled.map((c) => c.resourceType), cancelled.map((c) => c.resourceId)],
    );
  }

  /**
   * Recomputes the counts, times and people of open holds from their events: the
   * people who would lose access, with the roles they hold now that the held
   * changes would take away (all of them for a deactivation or deletion; those the
   * group's name maps to for a role removal or a group deletion).
   */
  async refresh(trx: Knex.Transaction, holdIds: string[]): Promise<void> {
    if (!holdIds.length) return;
    await trx.raw(
      `UPDATE holds h SET
          deactivations = coalesce(x.deactivations, 0), deletions = coalesce(x.deletions, 0),
          role_removals = coalesce(x.role_removals, 0), group_deletions = coalesce(x.group_deletions, 0),
          cancelled = coalesce(x.cancelled, 0), first_at = coalesce(x.first_at, h.first_at), last_at = coalesce(x.last_at, h.last_at)
         FROM (SELECT he.hold_id,
                      count(*) FILTER (WHERE kind = 'deactivation' AND NOT cancelled)::int AS deactivations,
                      count(*) FILTER (WHERE kind = 'deletion' AND NOT cancelled)::int AS deletions,
                      count(*) FILTER (WHERE kind = 'role_removal' AND NOT cancelled)::int AS role_removals,
                      count(*) FILTER (WHERE kind = 'group_deletion' AND NOT cancelled)::int AS group_deletions,
                      count(*) FILTER (WHERE kind IS NOT NULL AND cancelled)::int AS cancelled,
                      min(e.occurred_at) AS first_at, max(e.occurred_at) AS last_at
                 FROM hold_events he JOIN events e ON e.id = he.event_id
                WHERE he.hold_id = ANY(CAST(:ids AS uuid[])) GROUP BY he.hold_id) x
        WHERE h.id = x.hold_id`,
      { ids: holdIds },
    );
    await trx.raw('DELETE FROM hold_people WHERE hold_id = ANY(CAST(? AS uuid[]))', [holdIds]);
    await trx.raw(
      `WITH d AS (
         SELECT he.hold_id, he.kind, e.organization_id, e.directory_id, e.type, e.resource_id, e.data
           FROM hold_events he JOIN events e ON e.id = he.event_id
          WHERE he.hold_id = ANY(CAST(:ids AS uuid[])) AND he.kind IS NOT NULL AND NOT he.cancelled
       ), p AS (
         SELECT hold_id, organization_id, directory_id, resource_id AS user_id, data->'resource'->>'userName' AS user_name, kind,
                coalesce((SELECT au.roles FROM app_users au WHERE au.directory_user_id = d.resource_id), '{}') AS roles
           FROM d WHERE kind IN ('deactivation', 'deletion')
         UNION ALL
         SELECT hold_id, organization_id, directory_id, CAST(data->'user'->>'id' AS uuid), data->'user'->>'userName', kind,
                ${ROLES_FROM_GROUP("d.data->'group'->>'displayName'", "CAST(d.data->'user'->>'id' AS uuid)")}
           FROM d WHERE kind = 'role_removal'
         UNION ALL
         SELECT d.hold_id, d.organization_id, d.directory_id, am.directory_user_id, mu.user_name, d.kind,
                ${ROLES_FROM_GROUP("d.data->'resource'->>'displayName'", 'am.directory_user_id')}
           FROM d JOIN app_memberships am ON am.directory_group_id = d.resource_id AND am.present
           LEFT JOIN app_users mu ON mu.directory_user_id = am.directory_user_id
          WHERE d.kind = 'group_deletion'
       )
       INSERT INTO hold_people (hold_id, user_id, organization_id, directory_id, user_name, kinds, roles)
       SELECT hold_id, user_id, min(CAST(organization_id AS text))::uuid, min(CAST(directory_id AS text))::uuid, max(user_name),
              ARRAY(SELECT DISTINCT unnest(array_agg(kind)) ORDER BY 1),
              ARRAY(SELECT DISTINCT r FROM unnest(array_agg(roles)) AS r WHERE r IS NOT NULL ORDER BY 1)
         FROM (SELECT hold_id, user_id, organization_id, directory_id, user_name, kind, unnest(CASE WHEN cardinality(roles) = 0 THEN ARRAY[NULL::text] ELSE roles END) AS roles FROM p) q
        GROUP BY hold_id, user_id`,
      { ids: holdIds },
    );
  }

  /** After a discard, a newer change of a person that is delivered ends the roles the hold kept for them. */
  async endPreservation(trx: Knex.Transaction, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    await trx.raw(
      `UPDATE hold_people hp SET preserve = false FROM holds h
        WHERE h.id = hp.hold_id AND h.status <> 'held' AND hp.preserve AND hp.user_id = ANY(CAST(? AS uuid[]))`,
      [userIds],
    );
  }

  async list(directoryId: string, limit = 50): Promise<Hold[]> {
    const r = await this.db.raw<{ rows: HoldRow[] }>(`SELECT ${HOLD_COLUMNS} FROM holds h WHERE h.directory_id = ? ORDER BY h.created_at DESC LIMIT ?`, [directoryId, limit]);
    return r.rows.map(toHold);
  }

  async get(holdId: string): Promise<Hold | undefined> {
    if (!isUuid(holdId)) return undefined;
    const r = await this.db.raw<{ rows: HoldRow[] }>(`SELECT ${HOLD_COLUMNS} FROM holds h WHERE h.id = ?`, [holdId]);
    return r.rows[0] ? toHold(r.rows[0]) : undefined;
  }

  /** The open hold of a directory, if any (the portal's banner). */
  async openOf(directoryId: string): Promise<Hold | undefined> {
    const r = await this.db.raw<{ rows: HoldRow[] }>(`SELECT ${HOLD_COLUMNS} FROM holds h WHERE h.directory_id = ? AND h.status = 'held'`, [directoryId]);
    return r.rows[0] ? toHold(r.rows[0]) : undefined;
  }

  async people(holdId: string, limit = 1000): Promise<HoldPerson[]> {
    if (!isUuid(holdId)) return [];
    const rows: { user_id: string; user_name: string | null; kinds: string[]; roles: string[] }[] = await this.db('hold_people')
      .where({ hold_id: holdId, cancelled: false })
      .orderBy(['user_name', 'user_id'])
      .limit(limit);
    return rows.map((p) => ({ userId: p.user_id, userName: p.user_name, kinds: p.kinds, roles: p.roles }));
  }

  /**
   * Closes an open hold. Release: its events (not cancelled) are appended again to
   * the outbox as new events (`released_from` names the original), in their order;
   * the drainers deliver them to every sink like any event; the roles it kept end.
   * Discard: nothing is delivered, the roles it kept stay until a newer change of
   * the person is delivered. Either way the sliding window starts afresh. Returns
   * undefined when the hold does not exist, the hold unchanged when it was not open.
   */
  async close(holdId: string, to: 'released' | 'discarded', by: string): Promise<{ hold: Hold; changed: boolean } | undefined> {
    if (!isUuid(holdId)) return undefined;
    const changed = await (this.db as Db).transaction(async (trx) => {
      const row: { directory_id: string; organization_id: string; status: HoldStatus } | undefined = await trx('holds').where({ id: holdId }).forUpdate().first('directory_id', 'organization_id', 'status');
      if (!row || row.status !== 'held') return false;
      await trx('holds').where({ id: holdId }).update({ status: to, closed_at: trx.fn.now(), closed_by: by.slice(0, 200) });
      await trx.raw(
        `INSERT INTO breaker_settings (directory_id, counted_from) VALUES (?, now())
         ON CONFLICT (directory_id) DO UPDATE SET counted_from = now(), updated_at = now()`,
        [row.directory_id],
      );
      if (to === 'released') {
        await trx('hold_people').where({ hold_id: holdId }).update({ preserve: false });
        // Re-issued as new outbox events, in their original order: the sequencer numbers
        // them after everything already delivered, so every sink (and the events API)
        // gets them through the normal ordered path. The originals stay held.
        await trx.raw(
          `INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data, occurred_at, released_from)
           SELECT e.organization_id, e.directory_id, e.type, e.resource_type, e.resource_id, e.resource_version, e.operation_id, e.data, e.occurred_at, e.id
             FROM hold_events he JOIN events e ON e.id = he.event_id
            WHERE he.hold_id = ? AND NOT he.cancelled
            ORDER BY he.seq`,
          [holdId],
        );
      }
      return true;
    });
    const hold = await this.get(holdId);
    return hold ? { hold, changed } : undefined;
  }

  async settings(directoryId: string): Promise<StoredBreakerSettings> {
    const row: { enabled: boolean | null; window_seconds: number | null; min_count: number | null; min_percent: string | null } | undefined = await this.db('breaker_settings').where({ directory_id: directoryId }).first();
    return {
      enabled: row?.enabled ?? null,
      windowSeconds: row?.window_seconds ?? null,
      minCount: row?.min_count ?? null,
      minPercent: row?.min_percent === null || row?.min_percent === undefined ? null : Number(row.min_percent),
    };
  }

  /** Sets some thresholds of a directory (`null` returns one to the global default; absent keys stay). */
  async setSettings(directoryId: string, patch: Partial<StoredBreakerSettings>): Promise<StoredBreakerSettings> {
    const cols: Record<string, unknown> = {};
    if (patch.enabled !== undefined) cols['enabled'] = patch.enabled;
    if (patch.windowSeconds !== undefined) cols['window_seconds'] = patch.windowSeconds;
    if (patch.minCount !== undefined) cols['min_count'] = patch.minCount;
    if (patch.minPercent !== undefined) cols['min_percent'] = patch.minPercent;
    await this.db('breaker_settings')
      .insert({ directory_id: directoryId, ...cols })
      .onConflict('directory_id')
      .merge({ ...cols, updated_at: this.db.fn.now() });
    return this.settings(directoryId);
  }

  /** Open holds and the events they keep back, for /metrics. */
  async totals(): Promise<{ openHolds: number; heldEvents: number; people: number }> {
    const r = await this.db.raw<{ rows: { holds: number; events: number; people: number }[] }>(
      `SELECT count(*)::int AS holds,
              coalesce(sum((SELECT count(*) FROM hold_events he WHERE he.hold_id = h.id AND NOT he.cancelled)), 0)::int AS events,
              coalesce(sum((SELECT count(*) FROM hold_people hp WHERE hp.hold_id = h.id AND NOT hp.cancelled)), 0)::int AS people
         FROM holds h WHERE h.status = 'held'`,
    );
    const row = r.rows[0];
    return { openHolds: row?.holds ?? 0, heldEvents: row?.events ?? 0, people: row?.people ?? 0 };
  }

  /**
   * Why the app model may differ from the directory for some people and groups:
   * held by an open hold, or discarded by a closed one whose preservation still
   * stands (for the drift report; reconciliation does not repair them).
   */
  async explained(directoryId: string): Promise<{ users: Map<string, { holdId: string; status: HoldStatus }>; groups: Map<string, { holdId: string; status: HoldStatus }> }> {
    const users = new Map<string, { holdId: string; status: HoldStatus }>();
    const groups = new Map<string, { holdId: string; status: HoldStatus }>();
    const people: { user_id: string; hold_id: string; status: HoldStatus }[] = await this.db('hold_people as hp')
      .join('holds as h', 'h.id', 'hp.hold_id')
      .where({ 'hp.directory_id': directoryId, 'hp.preserve': true, 'hp.cancelled': false })
      .select('hp.user_id', 'hp.hold_id', 'h.status');
    for (const p of people) users.set(p.user_id, { holdId: p.hold_id, status: p.status });
    const held: { resource_type: string; resource_id: string; hold_id: string; status: HoldStatus }[] = await this.db('hold_events as he')
      .join('holds as h', 'h.id', 'he.hold_id')
      .where({ 'he.directory_id': directoryId, 'he.cancelled': false })
      .whereIn('h.status', ['held', 'discarded'])
      .select('he.resource_type', 'he.resource_id', 'he.hold_id', 'h.status');
    for (const e of held) {
      if (e.resource_type === 'group') groups.set(e.resource_id, { holdId: e.hold_id, status: e.status });
      else if (e.resource_type === 'user' && !users.has(e.resource_id) && e.status === 'held') users.set(e.resource_id, { holdId: e.hold_id, status: e.status });
    }
    return { users, groups };
  }
}
