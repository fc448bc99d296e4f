import { projectAttributes } from './attribute-projection';
import { GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';
import type { ScimDoc } from './user-document';

/** A user or group row as the store returns it. */
export interface StoredResource {
  id: string;
  doc: ScimDoc;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Rendering options. */
export interface RenderOptions {
  /** Base URL of the directory's SCIM root, e.g. `https://host/scim/v2/<directoryId>` (no trailing slash). */
  baseUrl: string;
  /** RFC 7644 §3.4.2.5 `attributes`. */
  attributes?: string[];
  /** RFC 7644 §3.4.2.5 `excludedAttributes`. */
  excludedAttributes?: string[];
}

/** Weak ETag of a resource version (RFC 7644 §3.14, RFC 7232). */
export function etagFor(version: number): string {
  return `W/"${version}"`;
}

/** Parses a comma-separated `attributes` query parameter; undefined when absent or empty. */
export function parseAttributeList(q: string | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  const list = q
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return list.length > 0 ? list : undefined;
}

/** Keys a stored doc must never leak, whatever it contains. */
const NEVER = new Set(['id', 'meta', 'password', 'schemas']);

function render(
  kind: 'User' | 'Group',
  r: StoredResource,
  extra: Record<string, unknown>,
  o: RenderOptions,
): ScimDoc {
  const base = o.baseUrl.replace(/\/+$/, '');
  const schemas = Array.isArray(r.doc['schemas']) ? r.doc['schemas'] : [kind === 'User' ? USER_SCHEMA : GROUP_SCHEMA];
  const out: ScimDoc = { schemas, id: r.id };
  for (const [k, v] of Object.entries(r.doc)) {
    if (!NEVER.has(k.toLowerCase())) out[k] = v;
  }
  Object.assign(out, extra);
  out['meta'] = {
    resourceType: kind,
    created: r.createdAt.toISOString(),
    lastModified: r.updatedAt.toISOString(),
    location: `${base}/${kind === 'User' ? 'Users' : 'Groups'}/${r.id}`,
    version: etagFor(r.version),
  };
  return projectAttributes(out, o.attributes, o.excludedAttributes);
}

/** Renders a stored user as a SCIM User resource (RFC 7643 §4.1). `password` is never returned. */
export function renderUser(r: StoredResource, o: RenderOptions): ScimDoc {
  return render('User', r, {}, o);
}

/**
 * Renders a stored group (RFC 7643 §4.2). `members` undefined omits the
 * attribute (the caller did not load it, e.g. `excludedAttributes=members`).
 */
export function renderGroup(
  r: StoredResource,
  members: { value: string; display?: string }[] | undefined,
  o: RenderOptions,
): ScimDoc {
  const base = o.baseUrl.replace(/\/+$/, '');
  const extra: Record<string, unknown> = {};
  if (members !== undefined) {
    extra['members'] = members.map((m) => ({
      value: m.value,
      ...(m.display !== undefined ? { display: m.display } : {}),
      $ref: `${base}/Users/${m.value}`,
    }));
  }
  return render('Group', r, extra, o);
}
