import type { Queryable } from './db';
import { runPrepared, statement } from './prepared';
import type { UserRow } from './user-store';

/**
 * The hot SCIM user writes, each ONE prepared statement that commits the resource,
 * its operation record and its outbox event together (data-modifying CTEs): durable
 * before acknowledged, exactly once (the operation's primary key rejects a second
 * application and rolls the whole statement back), and the event in the same commit.
 * The caller renders the response before the statement runs (it knows the id, the
 * version and the timestamps), so one round trip suffices.
 */

/** Columns every operation record gets; the statement adds status and response. */
export interface OperationFields {
  operationId: string;
  directoryId: string;
  organizationId: string;
  requestId: string;
  method: string;
  summary: string;
  receivedAt: Date;
  queueMs: number;
  attempts: number;
}

/** The indexed columns of a user plus its stored doc. */
export interface UserWriteColumns {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  primaryEmail: string | null;
  doc: Record<string, unknown>;
}

// Time the statement spent so far: the apply time recorded on the operation.
const APPLY_MS = `GREATEST(0, round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000))::int`;

const CREATE_USER = statement(
  'dirsync_user_create_v3',
  `WITH ins AS (
     INSERT INTO users (id, directory_id, user_name, external_id, display_name, active, primary_email, doc, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     ON CONFLICT (directory_id, lower(user_name)) DO NOTHING
     RETURNING id
   ), outcome AS (
     SELECT EXISTS (SELECT 1 FROM ins) AS created
   ), op AS (
     INSERT INTO operations (id, directory_id, request_id, method, resource_type, resource_id, summary, status, scim_type, detail, response, received_at, queue_ms, apply_ms, attempts)
     SELECT $10, $2, $11, 'POST', 'User',
            CASE WHEN o.created THEN $1::uuid END, $12,
            CASE WHEN o.created THEN 201 ELSE 409 END,
            CASE WHEN o.created THEN NULL ELSE 'uniqueness' END,
            CASE WHEN o.created THEN NULL ELSE $16::text END,
            CASE WHEN o.created THEN $17::jsonb ELSE $18::jsonb END,
            $13, $14, ${APPLY_MS}, $15
       FROM outcome o
   ), ev AS (
     INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data)
     SELECT $19, $2, 'user.created', 'user', ins.id, 1, $10, jsonb_build_object('resource', $17::jsonb -> 'body')
       FROM ins
   )
   SELECT created FROM outcome`,
);

export interface CreateUserArgs {
  id: string;
  columns: UserWriteColumns;
  now: Date;
  op: OperationFields;
  /** The 201 result (status, body, location, etag) as the client will get it. */
  created: unknown;
  /** The 409 result when the userName is taken. */
  conflict: unknown;
  conflictDetail: string;
}

export class UserWriteStore {
  constructor(private readonly db: Queryable) {}

  /** Inserts a user unless its userName is taken; records the operation either way. True when created (its event is written too). */
  async createUserWithOperation(a: CreateUserArgs): Promise<boolean> {
    const c = a.columns;
    const { rows } = await runPrepared<{ created: boolean }>(this.db, CREATE_USER, [
      a.id, a.op.directoryId, c.userName, c.externalId, c.displayName, c.active, c.primaryEmail, c.doc, a.now,
      a.op.operationId, a.op.requestId, a.op.summary, a.op.receivedAt, a.op.queueMs, a.op.attempts,
      a.conflictDetail, a.created, a.conflict, a.op.organizationId,
    ]);
    return rows[0]?.created === true;
  }

  /** The current row of a user (no lock: the update below is a compare-and-set on `version`). */
  async readUser(directoryId: string, id: string): Promise<UserRow | undefined> {
    const { rows } = await runPrepared<UserRow>(this.db, READ_USER, [directoryId, id]);
    return rows[0];
  }

  /**
   * Compare-and-set update: applies only when the row still has `fromVersion`. False means
   * another write got there first (or the user was deleted): read again and recompute.
   */
  async updateUserWithOperation(a: UpdateUserArgs): Promise<boolean> {
    const c = a.columns;
    const { rows } = await runPrepared<{ applied: boolean }>(this.db, UPDATE_USER, [
      a.op.directoryId, a.id, c.doc, c.userName, c.externalId, c.displayName, c.active, c.primaryEmail, a.now, a.fromVersion,
      a.op.operationId, a.op.requestId, a.op.method, a.op.summary, a.result, a.op.receivedAt, a.op.queueMs, a.op.attempts,
      a.op.organizationId, a.eventType,
    ]);
    return rows[0]?.applied === true;
  }

  /** Records an operation that changed nothing (a no-op PATCH): one statement. */
  async recordOperation(op: OperationFields & { resourceType: string; resourceId: string | null }, result: { status: number; body?: unknown }): Promise<void> {
    const body = result.body as { scimType?: string; detail?: string } | undefined;
    const isError = result.status >= 400;
    await runPrepared(this.db, RECORD_RESULT, [
      op.operationId, op.directoryId, op.requestId, op.method, op.resourceType, op.resourceId, op.summary, result.status,
      isError ? (body?.scimType ?? null) : null, isError ? (body?.detail ?? null) : null, result, op.receivedAt, op.queueMs, op.attempts,
    ]);
  }
}

const READ_USER = statement('dirsync_user_read_v1', `SELECT * FROM users WHERE directory_id = $1 AND id = $2`);


const UPDATE_USER = statement(
  'dirsync_user_update_v3',
  `WITH upd AS (
     UPDATE users
        SET doc = $3, user_name = $4, external_id = $5, display_name = $6, active = $7, primary_email = $8,
            version = version + 1, updated_at = $9
      WHERE directory_id = $1 AND id = $2 AND version = $10
      RETURNING id
   ), op AS (
     INSERT INTO operations (id, directory_id, request_id, method, resource_type, resource_id, summary, status, response, received_at, queue_ms, apply_ms, attempts)
     SELECT $11, $1, $12, $13, 'User', $2, $14, 200, $15::jsonb, $16, $17, ${APPLY_MS}, $18
       FROM upd
   ), ev AS (
     INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data)
     SELECT $19, $1, $20, 'user', $2, $10 + 1, $11, jsonb_build_object('resource', $15::jsonb -> 'body')
       FROM upd
   )
   SELECT EXISTS (SELECT 1 FROM upd) AS applied`,
);

export interface UpdateUserArgs {
  id: string;
  /** The version the change was computed from: the update applies only if it is still current. */
  fromVersion: number;
  columns: UserWriteColumns;
  now: Date;
  op: OperationFields;
  eventType: string;
  /** The 200 result with the new version, as the client will get it. */
  result: unknown;
}


const RECORD_RESULT = statement(
  'dirsync_operation_record_v1',
  `INSERT INTO operations (id, directory_id, request_id, method, resource_type, resource_id, summary, status, scim_type, detail, response, received_at, queue_ms, apply_ms, attempts)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14)`,
);

