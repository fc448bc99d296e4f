import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../store/db';
import type { ScimWriteJob } from '../queue/job-payloads';
import type { ScimResult } from '../scim/write-outcome';
import type { CommittedEvent, EventType } from '../events/event-types';
import { ScimError, scimErrorBody } from '../scim/scim-error';
import { parseUserInput, userColumns, type ScimDoc } from '../scim/user-document';
import { parsePatchRequest } from '../scim/patch/parse-patch';
import { applyUserPatch } from '../scim/patch/apply-patch';
import { renderUser, etagFor } from '../scim/render-resource';
import { type CreateUserArgs, type UserWriteColumns, UserWriteStore } from '../store/user-write-store';
import { isUuid } from '../common/uuid';
import { checkIfMatch, notFound } from './write-context';
import { operationFields } from './operation-fields';
import { unwrap } from './unwrap';

/** How a create is committed: alone (the default), or grouped with concurrent ones (store/user-create-batch.ts). True when created. */
export type CreateUserCommit = (args: CreateUserArgs) => Promise<boolean>;

/** What a fast write returns to applyScimWrite (same shape as the transactional path). */
export interface FastWrite {
  result: ScimResult;
  events: CommittedEvent[];
}

const TAKEN = 'A user with this userName already exists in this directory';
/** The 409 of a taken userName, built once (an Error per write would cost a stack trace each). */
const CONFLICT: ScimResult = Object.freeze({ status: 409, body: scimErrorBody(new ScimError(409, TAKEN, 'uniqueness')), fault: { attribute: 'userName', detail: TAKEN } });

/** Compare-and-set attempts before a write falls back to the locking transaction. */
const CAS_ATTEMPTS = 5;

function columnsOf(doc: ScimDoc): UserWriteColumns {
  const c = userColumns(doc);
  return { userName: c.userName, externalId: c.externalId, displayName: c.displayName, active: c.active, primaryEmail: c.primaryEmail, doc };
}

/** The committed event, as delivery needs to hear of it (the drainer reads the rest from the outbox). */
function committed(job: ScimWriteJob): CommittedEvent[] {
  return [{ directoryId: job.directoryId, organizationId: job.organizationId }];
}

/**
 * POST /Users in one statement. The id and timestamps are chosen here so the 201 body
 * can be rendered before the statement runs; a taken userName (case-insensitive, also
 * under concurrent creates: the unique index decides) records and returns the 409.
 */
export async function createUserFast(db: Db, job: ScimWriteJob, attempt: number, started: number, commit: CreateUserCommit = (a) => new UserWriteStore(db).createUserWithOperation(a)): Promise<FastWrite> {
  const { doc } = unwrap(parseUserInput(job.body));
  const id = randomUUID();
  const now = new Date();
  const body = renderUser({ id, doc, version: 1, createdAt: now, updatedAt: now }, { baseUrl: job.baseUrl });
  const created: ScimResult = { status: 201, body, location: `${job.baseUrl}/Users/${id}`, etag: etagFor(1) };
  const wasCreated = await commit({ id, columns: columnsOf(doc), now, op: operationFields(job, attempt, started), created, conflict: CONFLICT, conflictDetail: TAKEN });
  return wasCreated ? { result: created, events: committed(job) } : { result: CONFLICT, events: [] };
}

/**
 * PUT and PATCH /Users/{id}: read the row (no lock), compute the new document, then
 * one compare-and-set statement that writes it with the operation and the event. A
 * concurrent change makes the compare fail; the write is recomputed on the new state,
 * so both apply, one after the other (per-resource order holds: each sees the other's
 * committed result). Returns undefined after CAS_ATTEMPTS lost races: the caller then
 * takes the row lock instead.
 */
export async function updateUserFast(db: Db, job: ScimWriteJob, attempt: number, started: number): Promise<FastWrite | undefined> {
  const id = job.resourceId ?? '';
  if (!isUuid(id)) throw notFound('User', id);
  const replacement = job.method === 'PUT' ? unwrap(parseUserInput(job.body)).doc : undefined;
  const ops = job.method === 'PATCH' ? unwrap(parsePatchRequest(job.body, 'User')) : undefined;
  const op = operationFields(job, attempt, started);
  for (let i = 0; i < CAS_ATTEMPTS; i++) {
    const current = await new UserWriteStore(db).readUser(job.directoryId, id);
    if (!current) throw notFound('User', id);
    checkIfMatch(job.ifMatch, current.version);
    let next: ScimDoc;
    if (replacement) next = replacement;
    else {
      const patched = unwrap(applyUserPatch(current.doc, ops ?? []));
      next = patched.changed ? patched.doc : current.doc;
    }
    if (isDeepStrictEqual(current.doc, next)) {
      // Nothing changes: record the answer (200 with the current state), no event.
      const body = renderUser({ id, doc: current.doc, version: current.version, createdAt: current.created_at, updatedAt: current.updated_at }, { baseUrl: job.baseUrl });
      const result: ScimResult = { status: 200, body, location: `${job.baseUrl}/Users/${id}`, etag: etagFor(current.version) };
      await new UserWriteStore(db).recordOperation({ ...op, resourceType: 'User', resourceId: id }, result);
      return { result, events: [] };
    }
    const version = current.version + 1;
    const now = new Date();
    const body = renderUser({ id, doc: next, version, createdAt: current.created_at, updatedAt: now }, { baseUrl: job.baseUrl });
    const result: ScimResult = { status: 200, body, location: `${job.baseUrl}/Users/${id}`, etag: etagFor(version) };
    const columns = columnsOf(next);
    const type: EventType = current.active === columns.active ? 'user.updated' : columns.active ? 'user.reactivated' : 'user.deactivated';
    if (await new UserWriteStore(db).updateUserWithOperation({ id, fromVersion: current.version, columns, now, op, eventType: type, result })) return { result, events: committed(job) };
  }
  return undefined;
}
