import type { Knex } from 'knex';
import type { Db } from './db';
import type { ScimResult } from '../scim/write-outcome';

export interface OperationRecord {
  id: string;
  directoryId: string;
  requestId: string;
  method: string;
  resourceType: string;
  resourceId: string | null;
  summary: string;
  result: ScimResult;
  receivedAt: Date;
  queueMs: number;
  applyMs: number;
  attempts: number;
}

export interface OperationSummary {
  id: string;
  method: string;
  resourceType: string;
  resourceId: string | null;
  summary: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  receivedAt: Date;
  appliedAt: Date;
  queueMs: number;
  applyMs: number;
}

/** How long a replay marker is honoured; the retention job deletes older ones (src/store/retention-store.ts). */
export const REPLAY_MARKER_LIFETIME_SECONDS = 86_400;

/** The SCIM write log and the replay markers of requests answered 503. */
export class OperationStore {
  constructor(private readonly db: Db) {}

  /** The result recorded for an operation, if it has been applied. */
  async findResult(operationId: string, trx: Knex | Knex.Transaction = this.db): Promise<ScimResult | undefined> {
    const row = await trx('operations').where({ id: operationId }).first('response');
    return row ? (row.response as ScimResult) : undefined;
  }

  /** Writes the log entry; called inside the transaction that applies the operation. */
  /** Which of these operations have a record (were applied, or answered with a recorded error). */
  async recordedAmong(operationIds: readonly string[]): Promise<Set<string>> {
    if (!operationIds.length) return new Set();
    const rows = await this.db('operations').whereIn('id', operationIds).select<{ id: string }[]>('id');
    return new Set(rows.map((r) => r.id));
  }

  async record(trx: Knex.Transaction, op: OperationRecord): Promise<void> {
    const body = op.result.body as { scimType?: string; detail?: string } | undefined;
    const isError = op.result.status >= 400;
    await trx('operations').insert({
      id: op.id,
      directory_id: op.directoryId,
      request_id: op.requestId,
      method: op.method,
      resource_type: op.resourceType,
      resource_id: op.resourceId,
      summary: op.summary,
      status: op.result.status,
      scim_type: isError ? (body?.scimType ?? null) : null,
      detail: isError ? (body?.detail ?? null) : null,
      response: op.result,
      received_at: new Date(op.receivedAt),
      queue_ms: op.queueMs,
      apply_ms: op.applyMs,
      attempts: op.attempts,
    });
  }

  async listRecent(directoryId: string, limit: number, before?: Date): Promise<OperationSummary[]> {
    const q = this.db('operations').where({ directory_id: directoryId }).orderBy('applied_at', 'desc').limit(limit);
    if (before) void q.where('applied_at', '<', before);
    const rows = await q.select('id', 'method', 'resource_type', 'resource_id', 'summary', 'status', 'scim_type', 'detail', 'received_at', 'applied_at', 'queue_ms', 'apply_ms');
    return rows.map((r) => ({
      id: r.id,
      method: r.method,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      summary: r.summary,
      status: r.status,
      scimType: r.scim_type,
      detail: r.detail,
      receivedAt: r.received_at,
      appliedAt: r.applied_at,
      queueMs: r.queue_ms,
      applyMs: r.apply_ms,
    }));
  }

  async findReplayMarker(directoryId: string, fingerprint: string): Promise<string | undefined> {
    const row = await this.db('replay_markers')
      .where({ directory_id: directoryId, fingerprint })
      .andWhereRaw('created_at > now() - make_interval(secs => ?)', [REPLAY_MARKER_LIFETIME_SECONDS])
      .first('operation_id');
    return row?.operation_id as string | undefined;
  }

  /** Keys (`<directoryId>:<fingerprint>`) of every marker still honoured, for the in-memory index. */
  async liveMarkerKeys(): Promise<string[]> {
    const rows: { key: string }[] = await this.db('replay_markers')
      .whereRaw('created_at > now() - make_interval(secs => ?)', [REPLAY_MARKER_LIFETIME_SECONDS])
      .select(this.db.raw(`directory_id || ':' || fingerprint AS key`));
    return rows.map((r) => r.key);
  }

  async saveReplayMarker(directoryId: string, fingerprint: string, operationId: string): Promise<void> {
    await this.db('replay_markers')
      .insert({ directory_id: directoryId, fingerprint, operation_id: operationId })
      .onConflict(['directory_id', 'fingerprint'])
      .merge({ operation_id: operationId, created_at: this.db.fn.now() });
  }

  async deleteReplayMarker(directoryId: string, fingerprint: string): Promise<void> {
    await this.db('replay_markers').where({ directory_id: directoryId, fingerprint }).delete();
  }
}
