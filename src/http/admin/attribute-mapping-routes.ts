import type { Context } from 'koa';
import { z } from 'zod';
import type { AdminRouteRegistrar } from './admin-deps';
import { badRequest, notFound } from './api-error';
import { OrganizationStore, type Organization } from '../../store/organization-store';
import { isUuid } from '../../common/uuid';
import { AttributeMappingStore, type StoredAttributeMapping } from '../../app-model/attribute-mapping-store';
import { AttributeReprojectionStore, type Reprojection } from '../../app-model/attribute-reprojection-store';
import { saveAttributeMapping } from '../../app-model/save-attribute-mapping';
import { previewAttributeMapping } from '../../app-model/preview-attribute-mapping';
import { checkMapping, MAX_MAPPING_ENTRIES, type MappingError } from '../../app-model/attribute-mapping';

const Entry = z.object({ name: z.string().max(200), path: z.string().max(300) }).strict();
const PutMapping = z.object({ attributes: z.array(Entry).max(MAX_MAPPING_ENTRIES) }).strict();
const PreviewMapping = z.object({ attributes: z.array(Entry).max(MAX_MAPPING_ENTRIES), limit: z.number().int().min(1).max(20).optional() }).strict();

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest('Invalid request', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return result.data;
}

/** Mapping errors as the API's 400 details: `attributes.<row>.<name|path>`. */
const invalidMapping = (errors: MappingError[]) =>
  badRequest(
    `Invalid attribute mapping: ${errors[0]?.message ?? 'invalid'}`,
    errors.map((e) => ({ path: ['attributes', e.index, e.field].filter((p) => p !== undefined).join('.'), message: e.message })),
  );

export const presentReprojection = (r: Reprojection | undefined) =>
  r ? { status: r.status, done: r.done, total: r.total, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null } : null;

const presentMapping = (m: StoredAttributeMapping, r: Reprojection | undefined) => ({
  organizationId: m.organizationId,
  attributes: m.entries,
  isDefault: !m.saved,
  customExtensionAttributes: !m.saved,
  revision: m.revision,
  updatedAt: m.updatedAt?.toISOString() ?? null,
  reprojection: presentReprojection(r),
});

/** An organization's attribute mapping: read, replace (re-projects every user through the outbox), preview. */
export const registerAttributeMappingRoutes: AdminRouteRegistrar = (router, deps) => {
  const { db } = deps;
  const orgs = new OrganizationStore(db);
  const mappings = new AttributeMappingStore(db);
  const reprojections = new AttributeReprojectionStore(db);
  const org = async (ctx: Context): Promise<Organization> => {
    const id = String(ctx.params['organizationId'] ?? '');
    const found = isUuid(id) ? await orgs.find(id) : undefined;
    if (!found) throw notFound('Organization');
    return found;
  };
  const path = '/organizations/:organizationId/attribute-mapping';

  router.get(path, async (ctx) => {
    const o = await org(ctx);
    ctx.body = presentMapping(await mappings.get(o.id), await reprojections.find(o.id));
  });

  router.put(path, async (ctx) => {
    const o = await org(ctx);
    const input = parse(PutMapping, ctx.request.body);
    const saved = await saveAttributeMapping(db, o.id, input.attributes);
    if (!saved.ok) throw invalidMapping(saved.errors);
    deps.log.info({ organizationId: o.id, attributes: saved.mapping.entries.length, revision: saved.mapping.revision }, 'admin: attribute mapping saved; re-projection started');
    ctx.body = presentMapping(saved.mapping, saved.reprojection);
  });

  router.post(`${path}/preview`, async (ctx) => {
    const o = await org(ctx);
    const input = parse(PreviewMapping, ctx.request.body);
    const checked = checkMapping(input.attributes);
    if (!checked.ok) throw invalidMapping(checked.errors);
    const rows = await previewAttributeMapping(db, o.id, checked.entries, input.limit ?? 5);
    ctx.body = { attributes: checked.entries, data: rows };
  });
};

/** Request schemas, for the OpenAPI description (src/http/admin/openapi.ts). */
export const ATTRIBUTE_MAPPING_REQUESTS = { PutMapping, PreviewMapping };
