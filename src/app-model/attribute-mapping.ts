import { resolveAttrPath } from '../scim/attribute-path';
import { isPlainObject } from '../scim/deep-equal';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/schema-urns';
import { primaryEntryOf, primaryValueOf } from '../scim/user-document';

/**
 * Attribute mapping (docs/app-user-model.md, "Attributes"): per organization, named app
 * attributes projected from SCIM attribute paths of the user. Pure: validation of a
 * mapping, and the projection of a SCIM user (an event's `data.resource` or a stored
 * doc) to `{ name: value }`. No I/O.
 */

/** One row of a mapping: the app attribute `name` takes the value at the SCIM `path`. */
export interface AttributeMappingEntry {
  name: string;
  path: string;
}

/** A parsed path: `[extension URN ":"] attribute ["." subAttribute]`. */
export interface MappedPath {
  extension?: string;
  attribute: string;
  subAttribute?: string;
}

/** Most rows a mapping may have (the portal form and the admin API both enforce it). */
export const MAX_MAPPING_ENTRIES = 50;

/** App attribute names: a safe identifier (a JSON key, a column name, a template variable in any app). */
export const APP_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const ENT = ENTERPRISE_USER_SCHEMA;

/** What an organization that saved no mapping gets: the common enterprise attributes and the core title (plus its custom extensions' attributes: {@link CompileOptions}). */
export const DEFAULT_ATTRIBUTE_MAPPING: readonly AttributeMappingEntry[] = Object.freeze([
  { name: 'department', path: `${ENT}:department` },
  { name: 'costCenter', path: `${ENT}:costCenter` },
  { name: 'employeeNumber', path: `${ENT}:employeeNumber` },
  { name: 'manager', path: `${ENT}:manager.value` },
  { name: 'title', path: 'title' },
  { name: 'division', path: `${ENT}:division` },
  { name: 'organization', path: `${ENT}:organization` },
]);

export type PathCheck = { ok: true; path: string; parsed: MappedPath } | { ok: false; message: string };

/**
 * Validates a SCIM attribute path of a User and returns it in canonical spelling:
 * core and enterprise names as the schema spells them (names are case-insensitive in
 * SCIM, RFC 7643 §2.1), unknown extension URNs (Okta's custom schema, any
 * `urn:…`) verbatim; they are matched case-insensitively when read. An enterprise
 * attribute may be named without its URN (`department`): the two schemas share no
 * attribute name, so that is not ambiguous.
 */
export function checkMappingPath(raw: string): PathCheck {
  const text = raw.trim();
  if (!text) return { ok: false, message: 'a SCIM attribute path is required' };
  if (text.length > 300) return { ok: false, message: 'the path is longer than 300 characters' };
  if (/[[\]\s"]/.test(text)) return { ok: false, message: `value filters and spaces are not supported in '${text.slice(0, 100)}': name the attribute (a multi-valued one gives its primary value)` };
  let ref = resolveAttrPath(text, 'User', 'invalidPath');
  if (!ref.ok && !/^urn:/i.test(text)) {
    const asEnterprise = resolveAttrPath(`${ENT}:${text}`, 'User', 'invalidPath');
    if (asEnterprise.ok) ref = asEnterprise;
  }
  if (!ref.ok) return { ok: false, message: ref.error.message };
  const r = ref.value;
  if (!r.extension && ['password', 'groups', 'schemas', 'meta'].includes(r.attribute)) return { ok: false, message: `'${r.attribute}' cannot be mapped` };
  const parsed: MappedPath = { attribute: r.attribute };
  if (r.extension !== undefined) parsed.extension = r.extension;
  if (r.subAttribute !== undefined) parsed.subAttribute = r.subAttribute;
  return { ok: true, path: formatPath(parsed), parsed };
}

export function formatPath(p: MappedPath): string {
  return `${p.extension !== undefined ? `${p.extension}:` : ''}${p.attribute}${p.subAttribute !== undefined ? `.${p.subAttribute}` : ''}`;
}

export interface MappingError {
  /** Row index (0-based) in the submitted list; absent for an error of the whole list. */
  index?: number;
  field?: 'name' | 'path';
  message: string;
}

export type MappingCheck = { ok: true; entries: AttributeMappingEntry[] } | { ok: false; errors: MappingError[] };

/** Validates a whole mapping: names are safe identifiers and unique (case-insensitively), paths resolve. Returns canonical paths. */
export function checkMapping(input: readonly { name: string; path: string }[]): MappingCheck {
  const errors: MappingError[] = [];
  if (input.length > MAX_MAPPING_ENTRIES) errors.push({ message: `a mapping has at most ${MAX_MAPPING_ENTRIES} attributes` });
  const seen = new Map<string, number>();
  const entries: AttributeMappingEntry[] = [];
  input.forEach((row, index) => {
    const name = row.name.trim();
    if (!APP_ATTRIBUTE_NAME.test(name)) {
      errors.push({ index, field: 'name', message: `'${name.slice(0, 100)}' is not a valid app attribute name: use a letter, then letters, digits or _ (at most 63)` });
    } else if (seen.has(name.toLowerCase())) {
      errors.push({ index, field: 'name', message: `'${name}' is mapped twice (names are compared case-insensitively)` });
    } else seen.set(name.toLowerCase(), index);
    const path = checkMappingPath(row.path);
    if (!path.ok) errors.push({ index, field: 'path', message: path.message });
    else entries.push({ name, path: path.path });
  });
  return errors.length ? { ok: false, errors } : { ok: true, entries };
}

/** A value of a JSON object by key, exact first, else case-insensitively (unknown extensions keep the client's spelling). */
function get(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * The value a path designates in a SCIM user, or null:
 * - a multi-valued attribute (`emails`, `phoneNumbers`) gives its primary entry's
 *   `value` by the one primary-value rule (src/scim/user-document.ts); with a
 *   sub-attribute (`addresses.locality`), that sub-attribute of the primary entry
 *   among those that have it; a list of plain values is kept as a list;
 * - a complex attribute without a sub-attribute (`manager`) gives its `value`, else the object;
 * - anything else is the JSON value as sent (custom extensions may carry numbers,
 *   booleans, objects).
 */
export function resolveMappedValue(resource: Record<string, unknown>, path: MappedPath): unknown {
  const container = path.extension !== undefined ? get(resource, path.extension) : resource;
  if (!isPlainObject(container)) return null;
  const value = get(container, path.attribute);
  if (!present(value)) return null;
  const sub = path.subAttribute;
  if (Array.isArray(value)) {
    if (value.some(isPlainObject)) {
      if (sub === undefined || sub.toLowerCase() === 'value') return primaryValueOf(value.map((e) => (isPlainObject(e) ? { ...e, value: get(e, 'value') } : e)));
      const entry = primaryEntryOf(value, (e) => present(get(e, sub)));
      return entry ? (get(entry, sub) ?? null) : null;
    }
    return sub === undefined ? value : null;
  }
  if (isPlainObject(value)) {
    if (sub !== undefined) return get(value, sub) ?? null;
    const inner = get(value, 'value');
    return present(inner) ? inner : value;
  }
  return sub === undefined ? value : null;
}

/** A mapping compiled once (paths parsed), applied to many users. */
export type AttributeProjector = (resource: Record<string, unknown>) => Record<string, unknown>;

export interface CompileOptions {
  /**
   * Also give every attribute of a custom extension (any `urn:` object other than the
   * core and enterprise schemas, e.g. Okta's custom schema) under its own name, when
   * that name is a valid app attribute name not taken by the mapping. The default
   * mapping does this, so Okta custom attributes show up before anyone configures
   * anything; a saved mapping gives exactly its rows.
   */
  customExtensions?: boolean;
}

const NOT_CUSTOM = new Set([USER_SCHEMA.toLowerCase(), ENT.toLowerCase()]);

/** Adds the attributes of the user's custom extensions to `out` under their own names, skipping names `out` already has (case-insensitively). */
function customExtensionAttributes(resource: Record<string, unknown>, out: Record<string, unknown>): void {
  const taken = new Set(Object.keys(out).map((k) => k.toLowerCase()));
  for (const [urn, ext] of Object.entries(resource)) {
    if (!/^urn:/i.test(urn) || NOT_CUSTOM.has(urn.toLowerCase()) || !isPlainObject(ext)) continue;
    for (const name of Object.keys(ext)) {
      if (!APP_ATTRIBUTE_NAME.test(name) || taken.has(name.toLowerCase())) continue;
      taken.add(name.toLowerCase());
      out[name] = resolveMappedValue(resource, { extension: urn, attribute: name });
    }
  }
}

/**
 * Compiles a mapping. Every mapped name is present in the result (null when the user
 * has no value), so an app can tell "mapped, empty" from "not mapped". Entries whose
 * path no longer parses (a row saved by an older release) are skipped.
 */
export function compileMapping(entries: readonly AttributeMappingEntry[], options: CompileOptions = {}): AttributeProjector {
  const compiled: { name: string; path: MappedPath }[] = [];
  for (const e of entries) {
    const p = checkMappingPath(e.path);
    if (p.ok) compiled.push({ name: e.name, path: p.parsed });
  }
  return (resource) => {
    const out: Record<string, unknown> = {};
    for (const c of compiled) out[c.name] = resolveMappedValue(resource, c.path);
    if (options.customExtensions) customExtensionAttributes(resource, out);
    return out;
  };
}

/** The projection of one user by one mapping (the preview, tests). */
export function projectUserAttributes(resource: Record<string, unknown>, entries: readonly AttributeMappingEntry[]): Record<string, unknown> {
  return compileMapping(entries)(resource);
}
