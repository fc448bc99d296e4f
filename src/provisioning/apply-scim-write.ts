import type { Db } from '../store/db';
import type { ScimWriteJob } from '../queue/job-payloads';
import type { ScimResult } from '../scim/write-outcome';
import type { CommittedEvent } from '../events/event-types';
import { ScimError, recordedFault, scimErrorBody } from '../scim/scim-error';
import { OperationStore } from '../store/operation-store';
import { EventStore } from '../store/event-store';
import type { WriteContext, WriteOutcome } from './write-context';
import { createUser, deleteUser, patchUser, replaceUser } from './user-commands';
import { createGroup, deleteGroup, patchGroup, replaceGroup } from './group-commands';
import { isUniqueViolation } from '../store/pg-errors';
import { createUserFast, updateUserFast, type CreateUserCommit, type FastWrite } from './user-fast-writes';
import { patchGroupFast } from './group-fast-writes';
import { GROUP_NAME_INDEX, duplicateGroupName } from './group-name-conflict';

export interface AppliedWrite {
  result: ScimResult;
  /** Events committed with the write (empty when replayed or failed): enough to tell delivery which directory. */
  events: CommittedEvent[];
  /** True when the operation had already been applied: the recorded result is returned (G2). */
  replayed: boolean;
}

function route(ctx: WriteContext, job: ScimWriteJob): Promise<WriteOutcome> {
  const id = job.resourceId ?? '';
  const users = job.resourceType === 'User';
  switch (job.method) {
    case 'POST':
      return users ? createUser(ctx, job.body) : createGroup(ctx, job.body);
    case 'PUT':
      return users ? replaceUser(ctx, id, job.body, job.ifMatch) : replaceGroup(ctx, id, job.body, job.ifMatch);
    case 'PATCH':
      return users ? patchUser(ctx, id, job.body, job.ifMatch) : patchGroup(ctx, id, job.body, job.ifMatch);
    case 'DELETE':
      return users ? deleteUser(ctx, id, job.ifMatch) : deleteGroup(ctx, id, job.ifMatch);
  }
}

export const errorResult = (e: ScimError): ScimResult => ({ status: e.status, body: scimErrorBody(e), fault: recordedFault(e) });

/**
 * Applies one SCIM write exactly once (G1, G2): the resource change, the
 * operation record and the outbox events commit in one transaction. A job seen
 * again (worker killed after commit, BullMQ retry, Okta's retry mapped to the
 * same operation) finds its operation record and returns the recorded result.
 * SCIM errors roll the change back and are recorded too, so a retry gets the
 * same answer. Anything else (deadlock, lost connection) is thrown for BullMQ to retry.
 */
/** Optional collaborators of applyScimWrite (the worker passes its group-commit batcher). */
export interface ApplyOptions {
  commitCreate?: CreateUserCommit;
}

export async function applyScimWrite(db: Db, job: ScimWriteJob, attempt: number, options: ApplyOptions = {}): Promise<AppliedWrite> {
  const operations = new OperationStore(db);
  // No "already applied?" query up front: the operation record's primary key, inserted in the
  // same transaction, rejects a second application (the transaction rolls back and the recorded
  // result is returned). That saves a round trip on every write; redeliveries are rare.
  const started = Date.now();
  const record = (result: ScimResult, resourceId: string | null) => ({
    id: job.operationId,
    directoryId: job.directoryId,
    requestId: job.requestId,
    method: job.method,
    resourceType: job.resourceType,
    resourceId,
    summary: job.summary,
    result,
    receivedAt: new Date(job.receivedAt),
    queueMs: Math.max(0, started - job.receivedAt),
    applyMs: Date.now() - started,
    attempts: attempt,
  });

  try {
    // The hot writes (Okta's import and profile updates) are one prepared statement each.
    const fast = await fastPath(db, job, attempt, started, options.commitCreate);
    if (fast) return { result: fast.result, events: fast.events, replayed: false };
    return await db.transaction(async (trx) => {
      const ctx: WriteContext = { trx, directoryId: job.directoryId, organizationId: job.organizationId, operationId: job.operationId, baseUrl: job.baseUrl };
      const outcome = await route(ctx, job);
      await operations.record(trx, record(outcome.result, outcome.resourceId));
      const events = await new EventStore(trx).appendEvents({ organizationId: job.organizationId, directoryId: job.directoryId, operationId: job.operationId }, outcome.events);
      return { result: outcome.result, events, replayed: false };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'operations_pkey')) {
      // Another delivery of this job committed first.
      const again = await operations.findResult(job.operationId);
      if (again) return { result: again, events: [], replayed: true };
    }
    const scimError = toScimError(error);
    if (!scimError) throw error;
    const result = errorResult(scimError);
    const resourceId = job.resourceId && /^[0-9a-f-]{36}$/i.test(job.resourceId) ? job.resourceId : null;
    const stored = await db.transaction(async (trx) => {
      const existing = await operations.findResult(job.operationId, trx);
      if (existing) return existing;
      await operations.record(trx, record(result, resourceId));
      return result;
    });
    return { result: stored, events: [], replayed: stored !== result };
  }
}

function fastPath(db: Db, job: ScimWriteJob, attempt: number, started: number, commitCreate?: CreateUserCommit): Promise<FastWrite | undefined> {
  if (job.resourceType === 'Group') return job.method === 'PATCH' ? patchGroupFast(db, job, attempt, started) : Promise.resolve(undefined);
  if (job.method === 'POST') return createUserFast(db, job, attempt, started, commitCreate);
  if (job.method === 'PUT' || job.method === 'PATCH') return updateUserFast(db, job, attempt, started);
  return Promise.resolve(undefined);
}

/** SCIM errors, and unique-index violations (a taken userName or group displayName), become results. */
function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (isUniqueViolation(error, GROUP_NAME_INDEX)) return duplicateGroupName();
  if (isUniqueViolation(error, 'users_directory_user_name_uq')) {
    return new ScimError(409, 'A user with this userName already exists in this directory', 'uniqueness', { attribute: 'userName' });
  }
  return undefined;
}
