import type Router from '@koa/router';
import type { Context } from 'koa';
import { DirectoryStore } from '../../store/directory-store';
import { PortalReadStore, type UserStatusFilter } from '../../store/portal-read-store';
import { activityPage, groupPage, groupsPage, usersPage } from '../../portal/pages/data-pages';
import type { PortalDeps } from './portal-router';
import { PortalError, requirePortalSession } from './portal-session';
import { frameOf, ownedDirectory, sendHtml } from './portal-directory-routes';

/** A query parameter as a bounded string; arrays and oversize values are ignored. */
function param(ctx: Context, name: string, max = 200): string | undefined {
  const v = ctx.query[name];
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  return trimmed && trimmed.length <= max ? trimmed : undefined;
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
    const page = await reads.users(directory.id, { q, status, after: param(ctx, 'after'), before: param(ctx, 'before') });
    sendHtml(ctx, usersPage(frameOf(ctx), { directory, page, q, status }));
  });

  router.get('/portal/directories/:directoryId/groups', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const q = param(ctx, 'q');
    const page = await reads.groups(directory.id, { q, after: param(ctx, 'after'), before: param(ctx, 'before') });
    sendHtml(ctx, groupsPage(frameOf(ctx), { directory, page, q }));
  });

  router.get('/portal/directories/:directoryId/groups/:groupId', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const group = await reads.group(directory.id, String(ctx.params['groupId']));
    if (!group) throw new PortalError(404, 'Group not found', 'This group does not exist in this directory (it may have been deleted by your identity provider).');
    const after = param(ctx, 'after', 36);
    const members = await reads.members(group.id, after);
    sendHtml(ctx, groupPage(frameOf(ctx), { directory, group, members, after }));
  });

  router.get('/portal/directories/:directoryId/activity', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const before = param(ctx, 'before', 80);
    const page = await reads.activity(directory.id, before);
    sendHtml(ctx, activityPage(frameOf(ctx), { directory, page, before }));
  });
}
