import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AdminRouteRegistrar } from './admin-deps';
import { ApiError, badRequest, notFound } from './api-error';
import { OrganizationStore, type Organization } from '../../store/organization-store';
import { isUuid } from '../../common/uuid';
import { DirectoryStore } from '../../store/directory-store';
import { PortalReadStore } from '../../store/portal-read-store';
import { isUniqueViolation } from '../../store/pg-errors';
import { issuePortalLink } from '../../portal-access/portal-link';
import { scimBaseUrl } from '../../common/scim-base-url';

const Name = z.string().trim().min(1).max(200);
const CreateOrganization = z.object({ name: Name, directorySyncEnabled: z.boolean().optional() }).strict();
const UpdateOrganization = z.object({ name: Name.optional(), directorySyncEnabled: z.boolean().optional() }).strict();
const CreatePortalLink = z.object({ expiresInSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional() }).strict();

export const presentOrganization = (o: Organization) => ({
  id: o.id,
  name: o.name,
  directorySyncEnabled: o.directorySyncEnabled,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest('Invalid request body', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

const nameTaken = (name: string) => new ApiError(409, 'conflict', `An organization named "${name}" already exists`);

/** Organizations, their Directory Sync switch, their directories and Admin Portal links. */
export const registerOrganizationRoutes: AdminRouteRegistrar = (router: Router, deps) => {
  const orgs = new OrganizationStore(deps.db);
  const directories = new DirectoryStore(deps.db);
  const reads = new PortalReadStore(deps.db);

  const load = async (ctx: Context): Promise<Organization> => {
    const id = String(ctx.params['organizationId'] ?? '');
    const org = isUuid(id) ? await orgs.find(id) : undefined;
    if (!org) throw notFound('Organization');
    return org;
  };

  router.post('/organizations', async (ctx) => {
    const input = parse(CreateOrganization, ctx.request.body);
    if (await orgs.find(input.name)) throw nameTaken(input.name);
    const org = await orgs.create(input.name, input.directorySyncEnabled ?? false).catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken(input.name) : error;
    });
    ctx.status = 201;
    ctx.set('Location', `/api/v1/organizations/${org.id}`);
    ctx.body = presentOrganization(org);
  });

  router.get('/organizations', async (ctx) => {
    ctx.body = { data: (await orgs.list()).map(presentOrganization) };
  });

  router.get('/organizations/:organizationId', async (ctx) => {
    ctx.body = presentOrganization(await load(ctx));
  });

  router.patch('/organizations/:organizationId', async (ctx) => {
    const org = await load(ctx);
    const input = parse(UpdateOrganization, ctx.request.body);
    if (input.name !== undefined) {
      const other = await orgs.find(input.name);
      if (other && other.id !== org.id) throw nameTaken(input.name);
    }
    const patch: { name?: string; directorySyncEnabled?: boolean } = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.directorySyncEnabled !== undefined) patch.directorySyncEnabled = input.directorySyncEnabled;
    const updated = await orgs.update(org.id, patch).catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken(input.name ?? '') : error;
    });
    if (!updated) throw notFound('Organization');
    ctx.body = presentOrganization(updated);
  });

  router.delete('/organizations/:organizationId', async (ctx) => {
    const org = await load(ctx);
    await orgs.delete(org.id);
    ctx.status = 204;
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    router.post(`/organizations/:organizationId/directory-sync/${action}`, async (ctx) => {
      const org = await load(ctx);
      const updated = await orgs.update(org.id, { directorySyncEnabled: enabled });
      if (!updated) throw notFound('Organization');
      deps.log.info({ organizationId: org.id, directorySyncEnabled: enabled }, 'admin: directory sync switched');
      ctx.body = presentOrganization(updated);
    });
  }

  router.get('/organizations/:organizationId/directories', async (ctx) => {
    const org = await load(ctx);
    const list = await directories.list(org.id);
    const data = await Promise.all(
      list.map(async (d) => {
        const h = await reads.health(d.id);
        return {
          id: d.id,
          organizationId: d.organizationId,
          provider: d.provider,
          name: d.name,
          status: d.status,
          scimBaseUrl: scimBaseUrl(deps.config.publicUrl, d.id),
          userCount: h.userCount,
          groupCount: h.groupCount,
          lastRequestAt: h.lastRequestAt?.toISOString() ?? null,
          lastError: h.lastError ? { at: h.lastError.appliedAt.toISOString(), status: h.lastError.status, summary: h.lastError.summary } : null,
          createdAt: d.createdAt.toISOString(),
        };
      }),
    );
    ctx.body = { data };
  });

  router.post('/organizations/:organizationId/portal-links', async (ctx) => {
    const org = await load(ctx);
    const input = parse(CreatePortalLink, ctx.request.body);
    const link = await issuePortalLink(deps.config, deps.db, org.id, input.expiresInSeconds);
    deps.log.info({ organizationId: org.id, linkId: link.linkId }, 'admin: portal link issued');
    ctx.status = 201;
    ctx.body = { url: link.url, expiresAt: link.expiresAt.toISOString(), organizationId: org.id, linkId: link.linkId, directorySyncEnabled: org.directorySyncEnabled };
  });
};

/** Request schemas, for the OpenAPI description (src/http/admin/openapi.ts). */
export const ORGANIZATION_REQUESTS = { CreateOrganization, UpdateOrganization, CreatePortalLink };
