import type Router from '@koa/router';
import type { Context } from 'koa';
import { DirectoryStore } from '../../store/directory-store';
import { PortalReadStore, type UserStatusFilter } from '../../store/portal-read-store';
import { activityPage, groupPage, groupsPage, usersPage } from './pages/data-pages';
import type { PortalDeps } from './portal-deps';
import { PortalError, requirePortalSession } from './portal-session';
import { ownedDirectory } from './portal-page';
import { sendHtml } from './portal-page';
import { frameOf } from './portal-page';
import { isUnstorableText } from '../../scim/storable-text';
import { isSeqCursor, isActivityCursor } from '../../store/portal-cursors';
import { isUuid } from '../../common/uuid';

const BAD_QUERY = new PortalError(400, 'This address is not valid', 'A search term or page link in the address could not be read. Go back and try again.');

/**
 * A query parameter as a bounded string, checked where it is decoded: arrays and oversize values are ignored,
 * and text PostgreSQL cannot compare (U+0000, unpaired surrogates) is a 400 page rather than a database error.
 */
function param(ctx: Context, name: string, max = 200): string | undefined {
  const v = ctx.query[name];
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  if (isUnstorableText(trimmed)) throw BAD_QUERY;
  return trimmed && trimmed.length <= max ? trimmed : undefined;
}

/** A page cursor: absent, or exactly the shape this portal puts in its links (else a 400 page). */
function cursor(ctx: Context, name: string, valid: (v: string) => boolean): string | undefined {
  const v = param(ctx, name, 100);
  if (v !== undefined && !valid(v)) throw BAD_QUERY;
  return v;
}

const statusOf = (v: string | undefined): UserStatusFilter => (v === 'active' || v === 'inactive' ? v : 'all');

/** What the directory synced: users, groups and their members, recent SCIM activity. Server-side search and keyset pages. */
export function registerPortalDataRoutes(router: Router, deps: PortalDeps): void {
  const auth = requirePortalSession(deps.db);
  const directories = new DirectoryStore(deps.db);
  const reads = new PortalReadStore(deps.db);

  router.get('/portal/directories/:directoryId/users', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const q = param(ctx, 'q');
    const status = statusOf(param(ctx, 'status'));
    const page = await reads.users(directory.id, { q, status, after: cursor(ctx, 'after', isSeqCursor), before: cursor(ctx, 'before', isSeqCursor) });
    sendHtml(ctx, usersPage(frameOf(ctx), { directory, page, q, status }));
  });

  router.get('/portal/directories/:directoryId/groups', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const q = param(ctx, 'q');
    const page = await reads.groups(directory.id, { q, after: cursor(ctx, 'after', isSeqCursor), before: cursor(ctx, 'before', isSeqCursor) });
    sendHtml(ctx, groupsPage(frameOf(ctx), { directory, page, q }));
  });

  router.get('/portal/directories/:directoryId/groups/:groupId', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const group = await reads.group(directory.id, String(ctx.params['groupId']));
    if (!group) throw new PortalError(404, 'Group not found', 'This group does not exist in this directory (it may have been deleted by your identity provider).');
    const after = cursor(ctx, 'after', isUuid);
    const members = await reads.members(group.id, after);
    sendHtml(ctx, groupPage(frameOf(ctx), { directory, group, members, after }));
  });

  router.get('/portal/directories/:directoryId/activity', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const before = cursor(ctx, 'before', isActivityCursor);
    const page = await reads.activity(directory.id, before);
    sendHtml(ctx, activityPage(frameOf(ctx), { directory, page, before }));
  });
}
