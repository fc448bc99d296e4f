import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Directory, DirectoryStore } from '../../store/directory-store';
import type { PortalFrame } from './pages/directory-sync-page';
import { PortalError, portalState } from './portal-session';

/** Helpers every portal page route shares: the page frame, HTML responses, and the session's own directory. */

export const newNonce = (): string => randomBytes(18).toString('base64url');

export function frameOf(ctx: Context): PortalFrame {
  const { organization, session } = portalState(ctx);
  return { organizationName: organization.name, csrfToken: session.csrfToken };
}

export function sendHtml(ctx: Context, body: string): void {
  // Pages can hold tokens or directory data: never cached, never kept in the back/forward cache.
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  ctx.body = body;
}

export const NOT_ENABLED = new PortalError(403, 'Directory Sync is not enabled', 'The app owner must enable Directory Sync for your organization before directories can be viewed or changed.');
const NOT_FOUND = new PortalError(404, 'Directory not found', 'This directory does not exist or belongs to another organization.');

/** The directory in the path, if it belongs to the session's organization (another organization's gets the same 404 as a missing one). */
export async function ownedDirectory(ctx: Context, directories: DirectoryStore): Promise<Directory> {
  const { organization } = portalState(ctx);
  if (!organization.directorySyncEnabled) throw NOT_ENABLED;
  const directory = await directories.find(String(ctx.params['directoryId'] ?? ''));
  if (!directory || directory.organizationId !== organization.id) throw NOT_FOUND;
  return directory;
}

