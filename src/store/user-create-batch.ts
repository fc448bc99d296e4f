import type { Db } from './db';
import { runPrepared, statement } from './prepared';
import { type CreateUserArgs, UserWriteStore } from './user-write-store';

/**
 * Group commit for Okta's import: creates that reach the worker at the same time
 * commit in ONE statement (one round trip, one WAL flush) instead of one each. Each
 * create keeps its own outcome — a taken userName makes that one a 409, also against
 * another create of the same batch (rows are inserted in arrival order) — and its own
 * operation record and outbox event, all in the statement's single commit.
 *
 * If the combined statement fails (a redelivered job whose operation is already
 * recorded, a directory deleted meanwhile), nothing of it is kept and every create of
 * the batch runs alone, so one bad create can never undo or fail another.
 */
const CREATE_USERS = statement(
  'dirsync_users_create_batch_v2',
  `WITH input AS (
     SELECT * FROM unnest(
       $1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::jsonb[],
       $10::timestamptz[], $11::uuid[], $12::text[], $13::text[], $14::timestamptz[], $15::int[], $16::int[], $17::jsonb[], $18::jsonb[], $19::text[]
     ) WITH ORDINALITY AS t(id, directory_id, organization_id, user_name, external_id, display_name, active, primary_email, doc,
                           now, op_id, request_id, summary, received_at, queue_ms, attempts, created, conflict, conflict_detail, ord)
   ), ins AS (
     INSERT INTO users (id, directory_id, user_name, external_id, display_name, active, primary_email, doc, created_at, updated_at)
     SELECT id, directory_id, user_name, external_id, display_name, active, primary_email, doc, now, now FROM input ORDER BY ord
     ON CONFLICT (directory_id, lower(user_name)) DO NOTHING
     RETURNING id
   ), op AS (
     INSERT INTO operations (id, directory_id, request_id, method, resource_type, resource_id, summary, status, scim_type, detail, response, received_at, queue_ms, apply_ms, attempts)
     SELECT i.op_id, i.directory_id, i.request_id, 'POST', 'User',
            ins.id, i.summary,
            CASE WHEN ins.id IS NOT NULL THEN 201 ELSE 409 END,
            CASE WHEN ins.id IS NOT NULL THEN NULL ELSE 'uniqueness' END,
            CASE WHEN ins.id IS NOT NULL THEN NULL ELSE i.conflict_detail END,
            CASE WHEN ins.id IS NOT NULL THEN i.created ELSE i.conflict END,
            i.received_at, i.queue_ms,
            GREATEST(0, round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000))::int, i.attempts
       FROM input i LEFT JOIN ins ON ins.id = i.id
   ), ev AS (
     INSERT INTO events (organization_id, directory_id, type, resource_type, resource_id, resource_version, operation_id, data)
     SELECT i.organization_id, i.directory_id, 'user.created', 'user', i.id, 1, i.op_id, jsonb_build_object('resource', i.created -> 'body')
       FROM input i JOIN ins ON ins.id = i.id
      ORDER BY i.ord
   )
   SELECT i.id, (ins.id IS NOT NULL) AS created
     FROM input i LEFT JOIN ins ON ins.id = i.id
    ORDER BY i.ord`,
);

interface Pending {
  args: CreateUserArgs;
  resolve: (created: boolean) => void;
  reject: (e: unknown) => void;
}

export interface CreateBatcherOptions {
  /** Most creates in one statement. */
  maxBatch?: number;
  /** Statements in flight at once; creates arriving meanwhile wait and go together. */
  maxInFlight?: number;
}

/** Collects concurrent creates and commits them together (see the statement's comment). */
export class UserCreateBatcher {
  private pending: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Db,
    options: CreateBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  create(args: CreateUserArgs): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ args, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything that arrives in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.pending.length && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.pending.length) this.flush();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0] as Pending;
      await new UserWriteStore(this.db).createUserWithOperation(only.args).then(only.resolve, only.reject);
      return;
    }
    let rows: { id: string; created: boolean }[];
    try {
      rows = (await runPrepared<{ id: string; created: boolean }>(this.db, CREATE_USERS, columnsOf(batch.map((p) => p.args)))).rows;
    } catch {
      // Nothing of the combined statement was kept: each create runs alone and meets its own outcome.
      await Promise.all(batch.map((p) => new UserWriteStore(this.db).createUserWithOperation(p.args).then(p.resolve, p.reject)));
      return;
    }
    const byId = new Map(rows.map((r) => [r.id, r.created]));
    for (const p of batch) p.resolve(byId.get(p.args.id) === true);
  }
}

function columnsOf(all: CreateUserArgs[]): unknown[] {
  const col = <T>(f: (a: CreateUserArgs) => T): T[] => all.map(f);
  return [
    col((a) => a.id),
    col((a) => a.op.directoryId),
    col((a) => a.op.organizationId),
    col((a) => a.columns.userName),
    col((a) => a.columns.externalId),
    col((a) => a.columns.displayName),
    col((a) => a.columns.active),
    col((a) => a.columns.primaryEmail),
    col((a) => JSON.stringify(a.columns.doc)),
    col((a) => a.now),
    col((a) => a.op.operationId),
    col((a) => a.op.requestId),
    col((a) => a.op.summary),
    col((a) => a.op.receivedAt),
    col((a) => a.op.queueMs),
    col((a) => a.op.attempts),
    col((a) => JSON.stringify(a.created)),
    col((a) => JSON.stringify(a.conflict)),
    col((a) => a.conflictDetail),
  ];
}
