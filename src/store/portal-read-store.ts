import type { Db } from './db';
import { isUuid } from '../common/uuid';

/** Read models of the Admin Portal. Every query is bounded (keyset pages, LIMIT n+1) and uses an index. */
export const PORTAL_PAGE_SIZE = 50;

export interface Page<T> {
  rows: T[];
  /** Cursor for the next page (older/larger), if any. */
  next?: string;
  /** Cursor for the previous page, if any. */
  prev?: string;
}

export interface DirectoryHealth {
  lastRequestAt: Date | null;
  lastError: { appliedAt: Date; method: string; summary: string; status: number; detail: string | null } | null;
  userCount: number;
  groupCount: number;
}

export interface PortalUser {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  updatedAt: Date;
}

export interface PortalGroup {
  id: string;
  displayName: string;
  memberCount: number;
  updatedAt: Date;
}

export interface PortalActivity {
  id: string;
  method: string;
  resourceType: string;
  summary: string;
  status: number;
  scimType: string | null;
  appliedAt: Date;
  latencyMs: number;
}

export type UserStatusFilter = 'all' | 'active' | 'inactive';

/** `%q%` for LIKE, with the pattern characters in q taken literally. */
const containsPattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const USER_SEARCH_EXPR = `lower(user_name || ' ' || coalesce(display_name, '') || ' ' || coalesce(primary_email, ''))`;
const seqCursor = (v: string | undefined): number | undefined => (v && /^\d{1,15}$/.test(v) ? Number(v) : undefined);

interface KeysetArgs {
  after?: string | undefined;
  before?: string | undefined;
}

/** Runs a seq-ordered keyset page: LIMIT n+1 tells whether another page exists, no count needed. */
async function seqPage<R extends { seq: number }>(build: () => import('knex').Knex.QueryBuilder, table: string, args: KeysetArgs): Promise<Page<R>> {
  const after = seqCursor(args.after);
  const before = after === undefined ? seqCursor(args.before) : undefined;
  const q = build();
  if (after !== undefined) void q.where(`${table}.seq`, '>', after);
  if (before !== undefined) void q.where(`${table}.seq`, '<', before).orderBy(`${table}.seq`, 'desc');
  else void q.orderBy(`${table}.seq`, 'asc');
  const fetched = (await q.limit(PORTAL_PAGE_SIZE + 1)) as R[];
  const more = fetched.length > PORTAL_PAGE_SIZE;
  const rows = fetched.slice(0, PORTAL_PAGE_SIZE);
  if (before !== undefined) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const page: Page<R> = { rows };
  if (before !== undefined) {
    if (last) page.next = String(last.seq);
    if (more && first) page.prev = String(first.seq);
  } else {
    if (more && last) page.next = String(last.seq);
    if (after !== undefined && first) page.prev = String(first.seq);
  }
  return page;
}

export class PortalReadStore {
  constructor(private readonly db: Db) {}

  async health(directoryId: string): Promise<DirectoryHealth> {
    const db = this.db;
    const [tokenUse, lastOp, lastError, users, groups] = await Promise.all([
      db('directory_tokens').where({ directory_id: directoryId }).max<{ max: Date | null }[]>({ max: 'last_used_at' }),
      db('operations').where({ directory_id: directoryId }).orderBy('applied_at', 'desc').first('applied_at'),
      db('operations').where({ directory_id: directoryId }).andWhere('status', '>=', 400).orderBy('applied_at', 'desc').first('applied_at', 'method', 'summary', 'status', 'detail'),
      // Index-only counts over (directory_id, seq).
      db('users').where({ directory_id: directoryId }).count<{ count: number }[]>({ count: '*' }),
      db('groups').where({ directory_id: directoryId }).count<{ count: number }[]>({ count: '*' }),
    ]);
    const times = [tokenUse[0]?.max ?? null, (lastOp?.applied_at as Date | undefined) ?? null].filter((d): d is Date => d instanceof Date);
    return {
      lastRequestAt: times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null,
      lastError: lastError ? { appliedAt: lastError.applied_at, method: lastError.method, summary: lastError.summary, status: lastError.status, detail: lastError.detail } : null,
      userCount: Number(users[0]?.count ?? 0),
      groupCount: Number(groups[0]?.count ?? 0),
    };
  }

  async users(directoryId: string, opts: { q?: string | undefined; status: UserStatusFilter } & KeysetArgs): Promise<Page<PortalUser>> {
    const page = await seqPage<{ seq: number; id: string; user_name: string; display_name: string | null; primary_email: string | null; active: boolean; updated_at: Date }>(
      () => {
        const q = this.db('users').where({ directory_id: directoryId }).select('seq', 'id', 'user_name', 'display_name', 'primary_email', 'active', 'updated_at');
        if (opts.status !== 'all') void q.andWhere({ active: opts.status === 'active' });
        if (opts.q) void q.andWhereRaw(`${USER_SEARCH_EXPR} LIKE ?`, [containsPattern(opts.q)]);
        return q;
      },
      'users',
      opts,
    );
    return { ...page, rows: page.rows.map((r) => ({ id: r.id, userName: r.user_name, displayName: r.display_name, email: r.primary_email, active: r.active, updatedAt: r.updated_at })) };
  }

  async groups(directoryId: string, opts: { q?: string | undefined } & KeysetArgs): Promise<Page<PortalGroup>> {
    const page = await seqPage<{ seq: number; id: string; display_name: string; updated_at: Date }>(
      () => {
        const q = this.db('groups').where({ directory_id: directoryId }).select('seq', 'id', 'display_name', 'updated_at');
        if (opts.q) void q.andWhereRaw('lower(display_name) LIKE ?', [containsPattern(opts.q)]);
        return q;
      },
      'groups',
      opts,
    );
    const counts = await this.memberCounts(page.rows.map((r) => r.id));
    return { ...page, rows: page.rows.map((r) => ({ id: r.id, displayName: r.display_name, memberCount: counts.get(r.id) ?? 0, updatedAt: r.updated_at })) };
  }

  /** Member counts of one page of groups (index-only over the (group_id, user_id) primary key). */
  private async memberCounts(groupIds: string[]): Promise<Map<string, number>> {
    if (!groupIds.length) return new Map();
    const rows: { group_id: string; count: number }[] = await this.db('group_members').whereIn('group_id', groupIds).groupBy('group_id').select('group_id').count({ count: '*' });
    return new Map(rows.map((r) => [r.group_id, Number(r.count)]));
  }

  async group(directoryId: string, groupId: string): Promise<PortalGroup | undefined> {
    if (!isUuid(groupId)) return undefined;
    const row = await this.db('groups').where({ directory_id: directoryId, id: groupId }).first('id', 'display_name', 'updated_at');
    if (!row) return undefined;
    const counts = await this.memberCounts([row.id]);
    return { id: row.id, displayName: row.display_name, memberCount: counts.get(row.id) ?? 0, updatedAt: row.updated_at };
  }

  /** A group's members, keyset-paged along the primary key (group_id, user_id). */
  async members(groupId: string, after?: string): Promise<Page<PortalUser>> {
    const q = this.db('group_members as m').join('users as u', 'u.id', 'm.user_id').where('m.group_id', groupId);
    if (after && isUuid(after)) void q.andWhere('m.user_id', '>', after);
    const fetched: { id: string; user_name: string; display_name: string | null; primary_email: string | null; active: boolean; updated_at: Date }[] = await q
      .orderBy('m.user_id')
      .limit(PORTAL_PAGE_SIZE + 1)
      .select('u.id', 'u.user_name', 'u.display_name', 'u.primary_email', 'u.active', 'u.updated_at');
    const rows = fetched.slice(0, PORTAL_PAGE_SIZE);
    const page: Page<PortalUser> = { rows: rows.map((r) => ({ id: r.id, userName: r.user_name, displayName: r.display_name, email: r.primary_email, active: r.active, updatedAt: r.updated_at })) };
    if (fetched.length > PORTAL_PAGE_SIZE) page.next = rows[rows.length - 1]?.id;
    return page;
  }

  /** Recent SCIM writes, newest first: what, outcome, latency. Never bodies. */
  async activity(directoryId: string, before?: string): Promise<Page<PortalActivity>> {
    const q = this.db('operations').where({ directory_id: directoryId });
    // The cursor is Postgres' own text of applied_at plus the id: no precision lost, ties broken.
    const cursor = before ? /^(.{19,40})\|([0-9a-f-]{36})$/.exec(before) : null;
    if (cursor?.[1] && cursor[2]) void q.andWhereRaw('(applied_at, id) < (?::timestamptz, ?::uuid)', [cursor[1], cursor[2]]);
    const fetched: { id: string; method: string; resource_type: string; summary: string; status: number; scim_type: string | null; applied_at: Date; cursor: string; queue_ms: number; apply_ms: number }[] = await q
      .orderBy([{ column: 'applied_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(PORTAL_PAGE_SIZE + 1)
      .select('id', 'method', 'resource_type', 'summary', 'status', 'scim_type', 'applied_at', 'queue_ms', 'apply_ms', this.db.raw(`applied_at::text || '|' || id::text as cursor`));
    const rows = fetched.slice(0, PORTAL_PAGE_SIZE);
    const page: Page<PortalActivity> = {
      rows: rows.map((r) => ({ id: r.id, method: r.method, resourceType: r.resource_type, summary: r.summary, status: r.status, scimType: r.scim_type, appliedAt: r.applied_at, latencyMs: r.queue_ms + r.apply_ms })),
    };
    if (fetched.length > PORTAL_PAGE_SIZE) page.next = rows[rows.length - 1]?.cursor;
    return page;
  }
}
