import { createHash } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../../config/config';
import type { ScimDispatcher } from '../../queue/scim-dispatcher';
import type { ScimMethod, ScimResourceType } from '../../queue/job-payloads';
import type { DirectoryPrincipal } from '../../store/directory-store';
import { ScimError } from '../../scim/scim-error';
import type { Result } from '../../scim/result';
import { parseUserInput } from '../../scim/user-document';
import { parseGroupInput } from '../../scim/group-document';
import { parsePatchRequest, type PatchOp } from '../../scim/patch/parse-patch';
import { isUuid } from '../../common/uuid';
import { readScimBody } from './read-scim-body';
import { stripPasswords } from './strip-passwords';
import { normaliseProviderRequest } from '../../scim/quirks/provider-quirks';
import { sendScimResult } from '../shared/scim-response';
import { scimBaseUrl } from '../../common/scim-base-url';
import { noteResultFault } from './record-scim-outcome';

export interface ScimWriteDeps {
  dispatcher: ScimDispatcher;
  config: Pick<Config, 'publicUrl' | 'scim'>;
}

const RESOURCES: { path: string; type: ScimResourceType }[] = [
  { path: 'Users', type: 'User' },
  { path: 'Groups', type: 'Group' },
];

/**
 * Validates at the edge (nothing invalid reaches the queue: G7), then enqueues
 * it (writes arriving together share a BullMQ job: queue/scim-enqueuer.ts) and answers with the worker's result.
 */
export function registerScimWriteRoutes(router: Router, deps: ScimWriteDeps): void {
  for (const { path, type } of RESOURCES) {
    router.post(`/${path}`, (ctx) => submit(deps, ctx, 'POST', type, undefined));
    router.put(`/${path}/:id`, (ctx) => submit(deps, ctx, 'PUT', type, ctx.params['id']));
    router.patch(`/${path}/:id`, (ctx) => submit(deps, ctx, 'PATCH', type, ctx.params['id']));
    router.delete(`/${path}/:id`, (ctx) => submit(deps, ctx, 'DELETE', type, ctx.params['id']));
  }
}

async function submit(deps: ScimWriteDeps, ctx: Context, method: ScimMethod, resourceType: ScimResourceType, resourceId: string | undefined): Promise<void> {
  const principal = ctx.state.principal as DirectoryPrincipal;
  // Okta's 404 probes use ids like 010101001010101011001010101011: no such id can exist, answer without queueing.
  if (resourceId !== undefined && !isUuid(resourceId)) throw new ScimError(404, `${resourceType} ${JSON.stringify(resourceId.slice(0, 100))} not found`, undefined, { detail: `${resourceType} not found` });
  const raw = method === 'DELETE' ? undefined : stripPasswords(await readScimBody(ctx, { maxBytes: deps.config.scim.maxBodyBytes, maxDepth: deps.config.scim.maxJsonDepth }));
  // Provider quirks become RFC forms here, once: everything after (validation, queue, worker) sees only those.
  const body = normaliseProviderRequest({ provider: principal.provider, method, resourceType, body: raw });
  const summary = validate(method, resourceType, body, deps.config.scim.maxPatchOperations);
  const ifMatch = ctx.get('if-match') || undefined;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([method, resourceType, resourceId ?? '', ifMatch ?? '', body ?? null]))
    .digest('base64url');
  const result = await deps.dispatcher.submit(
    {
      directoryId: principal.directoryId,
      organizationId: principal.organizationId,
      requestId: String(ctx.state.requestId),
      method,
      resourceType,
      ...(resourceId !== undefined ? { resourceId } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      baseUrl: scimBaseUrl(deps.config.publicUrl, principal.directoryId),
      receivedAt: Date.now(),
      summary: `${method} /${resourceType}s${resourceId ? `/${resourceId}` : ''}${summary ? ` ${summary}` : ''}`,
    },
    fingerprint,
    ctx.request.length ?? 0,
  );
  // A 4xx the worker computed (409, 404, 400 from PATCH, 412) is recorded with the others, at response time.
  noteResultFault(ctx, result);
  sendScimResult(ctx, result);
}

/** Runs the same parser the worker runs, so a request that would fail there fails here, before the queue. */
function validate(method: ScimMethod, type: ScimResourceType, body: unknown, maxOps: number): string {
  if (method === 'DELETE') return '';
  if (method === 'PATCH') {
    const ops = check(parsePatchRequest(body, type));
    if (ops.length > maxOps) throw new ScimError(400, `At most ${maxOps} PATCH operations per request`, 'tooMany');
    return describeOps(ops);
  }
  if (type === 'User') check(parseUserInput(body));
  else check(parseGroupInput(body));
  return '';
}

function check<T>(r: Result<T>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** e.g. `ops=replace,add:members`: op names and attribute names, never values. */
function describeOps(ops: PatchOp[]): string {
  const parts = ops.slice(0, 10).map((op) => (op.path ? `${op.op}:${op.path.ref.attribute}` : op.op));
  return `ops=${parts.join(',')}${ops.length > 10 ? `,+${ops.length - 10}` : ''}`;
}
