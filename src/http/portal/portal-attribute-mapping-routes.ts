import type Router from '@koa/router';
import type { Context } from 'koa';
import { AttributeMappingStore } from '../../app-model/attribute-mapping-store';
import { AttributeReprojectionStore } from '../../app-model/attribute-reprojection-store';
import { saveAttributeMapping } from '../../app-model/save-attribute-mapping';
import { previewAttributeMapping } from '../../app-model/preview-attribute-mapping';
import { checkMapping, MAX_MAPPING_ENTRIES, type MappingError } from '../../app-model/attribute-mapping';
import { attributeMappingPage, type AttributeMappingView, type MappingFormRow } from './pages/attribute-mapping-page';
import { directorySyncDisabledPage } from './pages/directory-sync-page';
import type { PortalDeps } from './portal-deps';
import { frameOf, sendHtml } from './portal-page';
import { PortalError, formField, portalState, requireCsrf, requirePortalSession } from './portal-session';

/** Users shown in the preview. */
const PREVIEW_USERS = 5;

const BAD_FORM = new PortalError(400, 'Form out of date', 'Reload the page and try again.');

/** The rows as submitted (`rows`, `name_<i>`, `path_<i>`), bounded; fully blank rows are dropped unless `keepBlank`. */
function formRows(ctx: Context, keepBlank: boolean): MappingFormRow[] {
  const count = Number(formField(ctx, 'rows') ?? '0');
  if (!Number.isInteger(count) || count < 0 || count > MAX_MAPPING_ENTRIES + 1) throw BAD_FORM;
  const rows: MappingFormRow[] = [];
  for (let i = 0; i < count; i++) {
    const row = { name: (formField(ctx, `name_${i}`) ?? '').slice(0, 200), path: (formField(ctx, `path_${i}`) ?? '').slice(0, 300) };
    if (keepBlank || row.name.trim() || row.path.trim()) rows.push(row);
  }
  return rows;
}

function errorsByRow(errors: MappingError[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const e of errors) out.set(e.index ?? -1, [...(out.get(e.index ?? -1) ?? []), e.field === 'name' ? `Name: ${e.message}` : e.field === 'path' ? `Path: ${e.message}` : e.message]);
  return out;
}

const sameRows = (a: readonly MappingFormRow[], b: readonly MappingFormRow[]): boolean =>
  a.length === b.length && a.every((r, i) => r.name.trim() === b[i]?.name && r.path.trim() === b[i]?.path);

/** The Attribute mapping tab: edit the organization's mapping, preview it over real synced users, save it. */
export function registerPortalAttributeMappingRoutes(router: Router, deps: PortalDeps): void {
  const auth = requirePortalSession(deps.db);
  const csrf = requireCsrf(deps.config);
  const mappings = new AttributeMappingStore(deps.db);
  const reprojections = new AttributeReprojectionStore(deps.db);

  const view = async (ctx: Context, rows: MappingFormRow[], extra: Partial<AttributeMappingView>): Promise<AttributeMappingView> => {
    const { organization } = portalState(ctx);
    const [saved, reprojection] = await Promise.all([mappings.get(organization.id), reprojections.find(organization.id)]);
    return { rows, isDefault: !saved.saved, errors: new Map(), unsaved: !sameRows(rows, saved.entries), reprojection, ...extra };
  };

  router.get('/portal/attribute-mapping', auth, async (ctx) => {
    const { organization } = portalState(ctx);
    if (!organization.directorySyncEnabled) return sendHtml(ctx, directorySyncDisabledPage(frameOf(ctx)));
    const saved = await mappings.get(organization.id);
    const noticeCode = typeof ctx.query['notice'] === 'string' ? ctx.query['notice'] : undefined;
    sendHtml(ctx, attributeMappingPage(frameOf(ctx), await view(ctx, saved.entries.map((e) => ({ ...e })), { noticeCode })));
  });

  router.post('/portal/attribute-mapping', auth, csrf, async (ctx) => {
    const { organization } = portalState(ctx);
    if (!organization.directorySyncEnabled) return sendHtml(ctx, directorySyncDisabledPage(frameOf(ctx)));
    const action = formField(ctx, 'action') ?? 'preview';
    if (action === 'add') {
      const rows = formRows(ctx, true);
      if (rows.length < MAX_MAPPING_ENTRIES) rows.push({ name: '', path: '' });
      return sendHtml(ctx, attributeMappingPage(frameOf(ctx), await view(ctx, rows, {})));
    }
    const remove = /^remove_(\d{1,3})$/.exec(action);
    if (remove) {
      const rows = formRows(ctx, true).filter((_, i) => i !== Number(remove[1]));
      return sendHtml(ctx, attributeMappingPage(frameOf(ctx), await view(ctx, rows, {})));
    }
    if (action !== 'preview' && action !== 'save') throw BAD_FORM;
    const rows = formRows(ctx, false);
    const checked = checkMapping(rows);
    if (!checked.ok) {
      ctx.status = 400;
      return sendHtml(ctx, attributeMappingPage(frameOf(ctx), await view(ctx, rows, { errors: errorsByRow(checked.errors) })));
    }
    if (action === 'preview') {
      const preview = await previewAttributeMapping(deps.db, organization.id, checked.entries, PREVIEW_USERS);
      // Canonical paths shown back, so the person sees how each path was understood.
      return sendHtml(ctx, attributeMappingPage(frameOf(ctx), await view(ctx, checked.entries, { preview: { names: checked.entries.map((e) => e.name), rows: preview } })));
    }
    const saved = await saveAttributeMapping(deps.db, organization.id, checked.entries);
    if (!saved.ok) throw BAD_FORM;
    deps.log.info({ organizationId: organization.id, attributes: saved.mapping.entries.length, revision: saved.mapping.revision }, 'portal: attribute mapping saved; re-projection started');
    ctx.status = 303;
    ctx.redirect('/portal/attribute-mapping?notice=mapping-saved');
  });
}
