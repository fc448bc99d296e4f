import type Router from '@koa/router';
import type { Context } from 'koa';
import { DirectoryStore } from '../../store/directory-store';
import { ScimHealthStore, isRejectionCursor } from '../../store/scim-health-store';
import { OperationTraceStore } from '../../store/operation-trace-store';
import { PORTAL_PAGE_SIZE } from '../../store/portal-read-store';
import { isUuid } from '../../common/uuid';
import { rejectedPage, tracePage } from './pages/health-pages';
import type { PortalDeps } from './portal-deps';
import { PortalError, requirePortalSession } from './portal-session';
import { frameOf, ownedDirectory, sendHtml } from './portal-page';

const BAD_QUERY = new PortalError(400, 'This address is not valid', 'A page link in the address could not be read. Go back and try again.');

/** A page cursor: absent, or exactly the shape the Rejected tab puts in its links (else a 400 page). */
function beforeCursor(ctx: Context): string | undefined {
  const v = ctx.query['before'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !isRejectionCursor(v)) throw BAD_QUERY;
  return v;
}

/** Directory health in the portal: the Rejected tab and the trace behind each activity row. */
export function registerPortalHealthRoutes(router: Router, deps: PortalDeps): void {
  const auth = requirePortalSession(deps.db);
  const directories = new DirectoryStore(deps.db);
  const health = new ScimHealthStore(deps.db);
  const traces = new OperationTraceStore(deps.db);

  router.get('/portal/directories/:directoryId/rejected', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const before = beforeCursor(ctx);
    const page = await health.listRejections(directory.id, { before, limit: PORTAL_PAGE_SIZE });
    sendHtml(ctx, rejectedPage(frameOf(ctx), { directory, page, before, retentionDays: deps.config.retention.rejectionsDays }));
  });

  router.get('/portal/directories/:directoryId/activity/:operationId', auth, async (ctx) => {
    const directory = await ownedDirectory(ctx, directories);
    const id = String(ctx.params['operationId'] ?? '');
    const trace = isUuid(id) ? await traces.trace(directory.id, id) : undefined;
    if (!trace) throw new PortalError(404, 'Request not found', 'This request is not in this directory’s activity (the activity log keeps 30 days).');
    sendHtml(ctx, tracePage(frameOf(ctx), { directory, trace }));
  });
}
