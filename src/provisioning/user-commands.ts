import { isDeepStrictEqual } from 'node:util';
import { ScimError } from '../scim/scim-error';
import { parseUserInput, type ScimDoc } from '../scim/user-document';
import { parsePatchRequest } from '../scim/patch/parse-patch';
import { applyUserPatch } from '../scim/patch/apply-patch';
import { renderUser, etagFor } from '../scim/render-resource';
import { UserStore, toStoredUser, type UserRow } from '../store/user-store';
import { GroupStore } from '../store/group-store';
import type { NewEvent } from '../events/event-types';
import { checkIfMatch, notFound, type WriteContext, type WriteOutcome } from './write-context';
import { membershipEvent } from './group-commands';
import { unwrap } from './unwrap';

const render = (ctx: WriteContext, row: UserRow): ScimDoc => renderUser(toStoredUser(row), { baseUrl: ctx.baseUrl });

function userEvent(type: NewEvent['type'], resource: ScimDoc, row: UserRow): NewEvent {
  return { type, resourceType: 'user', resourceId: row.id, resourceVersion: row.version, data: { resource } };
}

function ok(ctx: WriteContext, status: number, row: UserRow, events: NewEvent[]): WriteOutcome {
  const body = render(ctx, row);
  const location = `${ctx.baseUrl}/Users/${row.id}`;
  return { result: { status, body, location, etag: etagFor(row.version) }, resourceId: row.id, events };
}

/** POST /Users. A taken userName (case-insensitive) is 409 uniqueness, also under concurrent creates. */
export async function createUser(ctx: WriteContext, body: unknown): Promise<WriteOutcome> {
  const { doc } = unwrap(parseUserInput(body));
  const row = await new UserStore(ctx.trx).insert(ctx.directoryId, doc);
  if (!row) throw new ScimError(409, 'A user with this userName already exists in this directory', 'uniqueness', { attribute: 'userName' });
  return ok(ctx, 201, row, [userEvent('user.created', render(ctx, row), row)]);
}

/** PUT /Users/{id}: replaces the whole resource; client-sent id and meta are ignored (docs/okta.md §5). */
export async function replaceUser(ctx: WriteContext, id: string, body: unknown, ifMatch?: string): Promise<WriteOutcome> {
  const { doc } = unwrap(parseUserInput(body));
  const current = await lockUser(ctx, id);
  checkIfMatch(ifMatch, current.version);
  return saveUser(ctx, current, doc);
}

/** PATCH /Users/{id}: all operations or none (RFC 7644 §3.5.2). */
export async function patchUser(ctx: WriteContext, id: string, body: unknown, ifMatch?: string): Promise<WriteOutcome> {
  const ops = unwrap(parsePatchRequest(body, 'User'));
  const current = await lockUser(ctx, id);
  checkIfMatch(ifMatch, current.version);
  const patched = unwrap(applyUserPatch(current.doc, ops));
  if (!patched.changed) return ok(ctx, 200, current, []);
  return saveUser(ctx, current, patched.doc);
}

/** DELETE /Users/{id}: removes the user and its memberships (Okta never deletes; Entra and others may). */
export async function deleteUser(ctx: WriteContext, id: string, ifMatch?: string): Promise<WriteOutcome> {
  const current = await lockUser(ctx, id);
  checkIfMatch(ifMatch, current.version);
  const events: NewEvent[] = [];
  for (const group of await new GroupStore(ctx.trx).groupsOfUser(current.id)) {
    await new GroupStore(ctx.trx).removeMembers(group.id, [current.id]);
    const touched = await new GroupStore(ctx.trx).touch(group.id);
    events.push(membershipEvent('group.user_removed', touched, current));
  }
  await new UserStore(ctx.trx).delete(current.id);
  events.push(userEvent('user.deleted', render(ctx, current), { ...current, version: current.version + 1 }));
  return { result: { status: 204 }, resourceId: current.id, events };
}

async function lockUser(ctx: WriteContext, id: string): Promise<UserRow> {
  const row = await new UserStore(ctx.trx).findForUpdate(ctx.directoryId, id);
  if (!row) throw notFound('User', id);
  return row;
}

async function saveUser(ctx: WriteContext, current: UserRow, doc: ScimDoc): Promise<WriteOutcome> {
  if (isDeepStrictEqual(current.doc, doc)) return ok(ctx, 200, current, []);
  const newName = doc['userName'];
  if (typeof newName === 'string' && newName.toLowerCase() !== current.user_name.toLowerCase()) {
    if (await new UserStore(ctx.trx).userNameTaken(ctx.directoryId, newName, current.id)) {
      throw new ScimError(409, 'A user with this userName already exists in this directory', 'uniqueness', { attribute: 'userName' });
    }
  }
  const row = await new UserStore(ctx.trx).update(current.id, doc);
  const type = current.active === row.active ? 'user.updated' : row.active ? 'user.reactivated' : 'user.deactivated';
  return ok(ctx, 200, row, [userEvent(type, render(ctx, row), row)]);
}
