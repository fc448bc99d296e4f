import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../store/db';
import type { ScimWriteJob } from '../queue/job-payloads';
import type { ScimResult } from '../scim/write-outcome';
import { ScimError } from '../scim/scim-error';
import { parsePatchRequest } from '../scim/patch/parse-patch';
import { applyGroupPatch } from '../scim/patch/apply-patch';
import { groupColumns } from '../scim/group-document';
import { renderGroup, etagFor } from '../scim/render-resource';
import { toStoredGroup } from '../store/group-store';
import { GroupWriteStore } from '../store/group-write-store';
import { isUuid } from '../common/uuid';
import { checkIfMatch, notFound } from './write-context';
import { unwrap } from './unwrap';
import type { FastWrite } from './user-fast-writes';
import { operationFields } from './operation-fields';

const CAS_ATTEMPTS = 5;

/**
 * PATCH /Groups/{id} when it only adds and removes members (and may change the
 * document): Okta's push-group updates. Read the group and the referenced users, apply
 * the patch in memory, then one compare-and-set statement (store/group-writes.ts).
 * Returns undefined for shapes it does not take (a member `replace`, removing all
 * members, an id both added and removed): the caller runs the locking transaction.
 */
export async function patchGroupFast(db: Db, job: ScimWriteJob, attempt: number, started: number): Promise<FastWrite | undefined> {
  const id = job.resourceId ?? '';
  if (!isUuid(id)) throw notFound('Group', id);
  const ops = unwrap(parsePatchRequest(job.body, 'Group'));
  const op = operationFields(job, attempt, started);
  for (let i = 0; i < CAS_ATTEMPTS; i++) {
    // Member changes depend on the operations only (members are rows, not part of the document),
    // so a dry run on an empty document names the users to check in the same read as the group.
    const dry = applyGroupPatch({}, ops);
    if (!dry.ok) return undefined;
    const shape = memberShape(dry.value.memberChanges);
    if (!shape) return undefined;
    const read = await new GroupWriteStore(db).readGroupAndUsers(job.directoryId, id, shape.add);
    if (!read) throw notFound('Group', id);
    const { group, knownUserIds } = read;
    checkIfMatch(job.ifMatch, group.version);
    const patched = unwrap(applyGroupPatch(group.doc, ops));
    const again = memberShape(patched.memberChanges);
    if (!again) return undefined;
    const missing = [...new Set(again.add)].filter((u) => !knownUserIds.has(u));
    if (missing.length) {
      const shown = missing.slice(0, 5).map((m) => JSON.stringify(m.slice(0, 64))).join(', ');
      throw new ScimError(400, `members reference unknown users: ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`, 'invalidValue', {
        attribute: 'members',
        // The member ids are the client's values: the record keeps only how many.
        detail: `members reference ${missing.length} unknown user${missing.length === 1 ? '' : 's'}`,
      });
    }
    const docChanged = !isDeepStrictEqual(group.doc, patched.doc);
    const now = new Date();
    const version = group.version + 1;
    const cols = groupColumns(patched.doc);
    const resource = docChanged ? renderGroup(toStoredGroup({ ...group, doc: patched.doc, version, updated_at: now }), undefined, { baseUrl: job.baseUrl }) : undefined;
    const changed: ScimResult = { status: 204, etag: etagFor(version) };
    const unchanged: ScimResult = { status: 204, etag: etagFor(group.version) };
    const outcome = await new GroupWriteStore(db).patchGroupMembers({
      groupId: id,
      fromVersion: group.version,
      add: [...new Set(again.add)],
      remove: [...new Set(again.remove.filter(isUuid))],
      doc: docChanged ? { doc: patched.doc, displayName: cols.displayName, externalId: cols.externalId, resource } : undefined,
      now,
      op,
      changed,
      unchanged,
    });
    if (!outcome.applied) continue;
    // The group changed (its version moved) exactly when events were written with it.
    if (outcome.version === null) return { result: unchanged, events: [] };
    return { result: changed, events: [{ directoryId: job.directoryId, organizationId: job.organizationId }] };
  }
  return undefined;
}

/** Adds and removes only, and no id both added and removed (their order would matter). */
function memberShape(changes: { kind: string; ids?: string[] }[]): { add: string[]; remove: string[] } | undefined {
  const add: string[] = [];
  const remove: string[] = [];
  for (const c of changes) {
    if (c.kind === 'add') add.push(...(c.ids ?? []));
    else if (c.kind === 'remove') remove.push(...(c.ids ?? []));
    else return undefined;
  }
  const removing = new Set(remove);
  if (add.some((id) => removing.has(id))) return undefined;
  return { add, remove };
}
