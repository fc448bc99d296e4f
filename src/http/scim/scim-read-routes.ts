import { scimBaseUrl } from '../../common/scim-base-url';
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Db } from '../../store/db';
import type { Config } from '../../config/config';
import { ScimError } from '../../scim/scim-error';
import { LIST_RESPONSE_SCHEMA } from '../../scim/schema-urns';
import { parseFilter } from '../../scim/filter/parse-filter';
import { compileGroupFilter, compileUserFilter } from '../../store/scim-filter-sql';
import { renderGroup, renderUser, etagFor, type RenderOptions } from '../../scim/render-resource';
import { UserStore, toStoredUser } from '../../store/user-store';
import { UserWriteStore } from '../../store/user-write-store';
import { isUuid } from '../../common/uuid';
import { GroupStore, toStoredGroup } from '../../store/group-store';
import { parseListQuery, type ListQuery } from './list-query';
import { SCIM_CONTENT_TYPE, sendScimResult } from '../shared/scim-response';
import { streamGroupWithMembers } from './group-members-stream';
import type { DirectoryPrincipal } from '../../store/directory-store';

export interface ScimReadDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'scim'>;
}


const principalOf = (ctx: Context): DirectoryPrincipal => ctx.state.principal as DirectoryPrincipal;

function renderOptions(deps: ScimReadDeps, ctx: Context, q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): RenderOptions {
  return {
    baseUrl: scimBaseUrl(deps.config.publicUrl, principalOf(ctx).directoryId),
    ...(q.attributes ? { attributes: q.attributes } : {}),
    ...(q.excludedAttributes ? { excludedAttributes: q.excludedAttributes } : {}),
  };
}

/** Whether a group read must load members (Entra sends excludedAttributes=members to avoid it). */
function wantsMembers(q: Pick<ListQuery, 'attributes' | 'excludedAttributes'>): boolean {
  const lower = (l?: string[]) => l?.map((a) => a.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, ''));
  if (lower(q.excludedAttributes)?.some((a) => a === 'members')) return false;
  const attrs = lower(q.attributes);
  return !attrs || attrs.some((a) => a === 'members' || a.startsWith('members.'));
}

function filterFor<T>(text: string | undefined, type: 'User' | 'Group', compile: (n: never) => T): T | undefined {
  if (text === undefined) return undefined;
  const parsed = parseFilter(text, type);
  if (!parsed.ok) throw parsed.error;
  return compile(parsed.value as never);
}

/** Reads are served straight from PostgreSQL (docs/architecture.md): a write is visible to the very next GET. */
export function registerScimReadRoutes(router: Router, deps: ScimReadDeps): void {
  router.get('/Users', async (ctx) => {
    const q = parseListQuery(ctx.query, deps.config.scim.maxResults);
    const filter = filterFor(q.filter, 'User', compileUserFilter);
    const { total, rows } = await new UserStore(deps.db).page(principalOf(ctx).directoryId, filter, q.startIndex - 1, q.count);
    const opts = renderOptions(deps, ctx, q);
    listResponse(ctx, total, q.startIndex, rows.map((r) => renderUser(toStoredUser(r), opts)));
  });

  router.get('/Users/:id', async (ctx) => {
    const q = parseListQuery(ctx.query, deps.config.scim.maxResults);
    const id = ctx.params['id'] ?? '';
    const row = isUuid(id) ? await new UserWriteStore(deps.db).readUser(principalOf(ctx).directoryId, id) : undefined;
    if (!row) throw new ScimError(404, `User ${JSON.stringify((ctx.params['id'] ?? '').slice(0, 100))} not found`, undefined, { detail: 'User not found' });
    sendScimResult(ctx, { status: 200, body: renderUser(toStoredUser(row), renderOptions(deps, ctx, q)), etag: etagFor(row.version) });
  });

  router.get('/Groups', async (ctx) => {
    const q = parseListQuery(ctx.query, deps.config.scim.maxResults);
    const filter = filterFor(q.filter, 'Group', compileGroupFilter);
    const { total, rows } = await new GroupStore(deps.db).page(principalOf(ctx).directoryId, filter, q.startIndex - 1, q.count);
    const members = wantsMembers(q) ? await new GroupStore(deps.db).members(rows.map((r) => r.id)) : undefined;
    const opts = renderOptions(deps, ctx, q);
    listResponse(ctx, total, q.startIndex, rows.map((r) => renderGroup(toStoredGroup(r), members?.get(r.id), opts)));
  });

  router.get('/Groups/:id', async (ctx) => {
    const q = parseListQuery(ctx.query, deps.config.scim.maxResults);
    const row = await new GroupStore(deps.db).find(principalOf(ctx).directoryId, ctx.params['id'] ?? '');
    if (!row) throw new ScimError(404, `Group ${JSON.stringify((ctx.params['id'] ?? '').slice(0, 100))} not found`, undefined, { detail: 'Group not found' });
    const opts = renderOptions(deps, ctx, q);
    if (!wantsMembers(q)) {
      sendScimResult(ctx, { status: 200, body: renderGroup(toStoredGroup(row), undefined, opts), etag: etagFor(row.version) });
      return;
    }
    if (q.attributes || q.excludedAttributes) {
      const members = (await new GroupStore(deps.db).members([row.id])).get(row.id);
      sendScimResult(ctx, { status: 200, body: renderGroup(toStoredGroup(row), members, opts), etag: etagFor(row.version) });
      return;
    }
    // The full group: members are streamed page by page (a 50k-member group is never whole in memory),
    // spliced in at a placeholder no client value can produce (JSON.stringify escapes quotes in strings).
    const placeholder = `__dirsync_members_${randomUUID()}__`;
    const shell = JSON.stringify(renderGroup(toStoredGroup(row), [{ value: placeholder }], opts));
    const start = shell.indexOf(`[{"value":"${placeholder}"`);
    const end = shell.indexOf(']', shell.lastIndexOf(placeholder)) + 1;
    ctx.status = 200;
    ctx.type = SCIM_CONTENT_TYPE;
    ctx.set('ETag', etagFor(row.version));
    ctx.body = streamGroupWithMembers(deps.db, row.id, opts.baseUrl, shell.slice(0, start), shell.slice(end));
  });
}

/** RFC 7644 §3.4.2: integers, `Resources`, itemsPerPage = what was actually returned (docs/okta.md §7). */
function listResponse(ctx: Context, total: number, startIndex: number, resources: unknown[]): void {
  sendScimResult(ctx, {
    status: 200,
    body: { schemas: [LIST_RESPONSE_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources },
  });
}
