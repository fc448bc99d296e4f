import { isDeepStrictEqual } from 'node:util';
import { ScimError } from '../scim/scim-error';
import type { ScimDoc } from '../scim/user-document';
import { parseGroupInput } from '../scim/group-document';
import { parsePatchRequest } from '../scim/patch/parse-patch';
import { applyGroupPatch, type MemberChange } from '../scim/patch/apply-patch';
import { renderGroup, etagFor } from '../scim/render-resource';
import { GroupStore, toStoredGroup, type GroupRow } from '../store/group-store';
import { UserStore, type UserRow } from '../store/user-store';
import type { NewEvent } from '../events/event-types';
import { checkIfMatch, notFound, type WriteContext, type WriteOutcome } from './write-context';
import { unwrap } from './unwrap';

/** A membership event: the group after the change and the user it concerns. */
export function membershipEvent(type: 'group.user_added' | 'group.user_removed', group: GroupRow, user: Pick<UserRow, 'id' | 'user_name' | 'active'>): NewEvent {
  return {
    type,
    resourceType: 'group',
    resourceId: group.id,
    resourceVersion: group.version,
    data: {
      group: { id: group.id, displayName: group.display_name, externalId: group.external_id },
      user: { id: user.id, userName: user.user_name, active: user.active },
    },
  };
}

function groupEvent(ctx: WriteContext, type: NewEvent['type'], row: GroupRow): NewEvent {
  return { type, resourceType: 'group', resourceId: row.id, resourceVersion: row.version, data: { resource: renderGroup(toStoredGroup(row), undefined, { baseUrl: ctx.baseUrl }) } };
}

/** POST /Groups, members included (docs/okta.md §8: ignoring `members` on create is a known bug elsewhere). */
export async function createGroup(ctx: WriteContext, body: unknown): Promise<WriteOutcome> {
  const { doc, memberIds } = unwrap(parseGroupInput(body));
  await requireUsers(ctx, memberIds);
  const row = await new GroupStore(ctx.trx).insert(ctx.directoryId, doc);
  const added = await new GroupStore(ctx.trx).addMembers(ctx.directoryId, row.id, memberIds);
  const events = [groupEvent(ctx, 'group.created', row), ...(await memberEvents(ctx, 'group.user_added', row, added))];
  return respondWithGroup(ctx, 201, row, events);
}

/** PUT /Groups/{id}: the document and the member list are replaced as sent. */
export async function replaceGroup(ctx: WriteContext, id: string, body: unknown, ifMatch?: string): Promise<WriteOutcome> {
  const { doc, memberIds } = unwrap(parseGroupInput(body));
  const current = await lockGroup(ctx, id);
  checkIfMatch(ifMatch, current.version);
  await requireUsers(ctx, memberIds);
  return applyGroupChanges(ctx, current, doc, [{ kind: 'replace', ids: memberIds }], 200);
}

/** PATCH /Groups/{id}. The group row lock serialises concurrent PATCHes; members are row inserts/deletes. */
export async function patchGroup(ctx: WriteContext, id: string, body: unknown, ifMatch?: string): Promise<WriteOutcome> {
  const ops = unwrap(parsePatchRequest(body, 'Group'));
  const current = await lockGroup(ctx, id);
  checkIfMatch(ifMatch, current.version);
  const patched = unwrap(applyGroupPatch(current.doc, ops));
  const wanted = patched.memberChanges.flatMap((c) => (c.kind === 'add' || c.kind === 'replace' ? c.ids : []));
  await requireUsers(ctx, wanted);
  return applyGroupChanges(ctx, current, patched.doc, patched.memberChanges, 204);
}

/** DELETE /Groups/{id}: 204; the member users stay. */
export async function deleteGroup(ctx: WriteContext, id: string, ifMatch?: string): Promise<WriteOutcome> {
  const current = await lockGroup(ctx, id);
  checkIfMatch(ifMatch, current.version);
  await new GroupStore(ctx.trx).delete(current.id);
  const events = [groupEvent(ctx, 'group.deleted', { ...current, version: current.version + 1 })];
  return { result: { status: 204 }, resourceId: current.id, events };
}

async function lockGroup(ctx: WriteContext, id: string): Promise<GroupRow> {
  const row = await new GroupStore(ctx.trx).findForUpdate(ctx.directoryId, id);
  if (!row) throw notFound('Group', id);
  return row;
}

/** Members must be users of this directory; an unknown id rejects the whole request (nothing applied). */
async function requireUsers(ctx: WriteContext, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const unique = [...new Set(ids)];
  const found = await new UserStore(ctx.trx).existingIds(ctx.directoryId, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((m) => JSON.stringify(m.slice(0, 64))).join(', ');
    throw new ScimError(400, `members reference unknown users: ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`, 'invalidValue', {
        attribute: 'members',
        // The member ids are the client's values: the record keeps only how many.
        detail: `members reference ${missing.length} unknown user${missing.length === 1 ? '' : 's'}`,
      });
  }
}

async function applyGroupChanges(ctx: WriteContext, current: GroupRow, doc: ScimDoc, changes: MemberChange[], status: number): Promise<WriteOutcome> {
  const added = new Set<string>();
  const removed = new Set<string>();
  const note = (kind: 'add' | 'remove', ids: string[]) => {
    // An add and a remove of the same user in one request cancel out (no event for either).
    const [undo, record] = kind === 'add' ? [removed, added] : [added, removed];
    for (const id of ids) {
      if (!undo.delete(id)) record.add(id);
    }
  };
  for (const change of mergeRuns(changes)) {
    if (change.kind === 'add') note('add', await new GroupStore(ctx.trx).addMembers(ctx.directoryId, current.id, change.ids));
    else if (change.kind === 'remove') note('remove', await new GroupStore(ctx.trx).removeMembers(current.id, change.ids));
    else if (change.kind === 'removeAll') note('remove', await new GroupStore(ctx.trx).removeMembers(current.id, 'all'));
    else {
      const keep = new Set(change.ids);
      const existing = await new GroupStore(ctx.trx).memberIds(current.id);
      note('remove', await new GroupStore(ctx.trx).removeMembers(current.id, existing.filter((id) => !keep.has(id))));
      note('add', await new GroupStore(ctx.trx).addMembers(ctx.directoryId, current.id, [...keep]));
    }
  }
  const docChanged = !isDeepStrictEqual(current.doc, doc);
  if (!docChanged && !added.size && !removed.size) return respondWithGroup(ctx, status, current, []);
  const row = await new GroupStore(ctx.trx).touch(current.id, docChanged ? doc : undefined);
  const events = [
    ...(docChanged ? [groupEvent(ctx, 'group.updated', row)] : []),
    ...(await memberEvents(ctx, 'group.user_removed', row, [...removed])),
    ...(await memberEvents(ctx, 'group.user_added', row, [...added])),
  ];
  return respondWithGroup(ctx, status, row, events);
}

/**
 * Joins consecutive adds (or removes) into one statement: Okta removes each
 * member with its own `members[value eq …]` op, and 1,000 of them were 1,000
 * DELETEs in one transaction (docs/benchmarks.md). Order across kinds is kept,
 * so add-then-remove of one id still ends removed.
 */
function mergeRuns(changes: MemberChange[]): MemberChange[] {
  const out: MemberChange[] = [];
  for (const change of changes) {
    const last = out[out.length - 1];
    if (last && (change.kind === 'add' || change.kind === 'remove') && last.kind === change.kind) {
      out[out.length - 1] = { kind: change.kind, ids: [...last.ids, ...change.ids] };
    } else out.push(change);
  }
  return out;
}

async function memberEvents(ctx: WriteContext, type: 'group.user_added' | 'group.user_removed', group: GroupRow, userIds: string[]): Promise<NewEvent[]> {
  if (!userIds.length) return [];
  const users = await new UserStore(ctx.trx).summaries(userIds);
  return users.map((u) => membershipEvent(type, group, u));
}

/** 204 for PATCH (large groups are never echoed back: docs/okta.md, "Bugs other SCIM servers shipped"), the resource with members otherwise. */
async function respondWithGroup(ctx: WriteContext, status: number, row: GroupRow, events: NewEvent[]): Promise<WriteOutcome> {
  const etag = etagFor(row.version);
  if (status === 204) return { result: { status, etag }, resourceId: row.id, events };
  const members = (await new GroupStore(ctx.trx).members([row.id])).get(row.id) ?? [];
  const body = renderGroup(toStoredGroup(row), members, { baseUrl: ctx.baseUrl });
  return { result: { status, body, etag, location: `${ctx.baseUrl}/Groups/${row.id}` }, resourceId: row.id, events };
}
