import {
  AttributeDefinition,
  COMMON_ATTRIBUTES,
  coreSchemaOf,
  findAttribute,
  findExtensionSchema,
} from './attribute-definitions';
import { badRequest, ScimType } from './scim-error';
import { redactScimPath } from './redact-scim-path';
import { Result, err, ok } from './result';
import { GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

/**
 * A resolved attribute path (RFC 7644 §3.10 `attrPath`): names are canonical
 * for known attributes and verbatim for attributes of unknown extensions.
 */
export interface AttrRef {
  /** Extension URN the attribute lives under (stored doc key); undefined for core and common attributes. */
  extension?: string;
  /** True for `id`, `externalId`, `meta` (RFC 7643 §3.1). */
  common: boolean;
  attribute: string;
  subAttribute?: string;
  /** Definition of `attribute`; undefined only for unknown extension attributes. */
  def?: AttributeDefinition;
  /** Definition of `subAttribute` when known. */
  subDef?: AttributeDefinition;
}

const NAME = /^[A-Za-z$][\w$-]*$/;

/** Definition of the leaf an {@link AttrRef} designates. */
export function leafDef(ref: AttrRef): AttributeDefinition | undefined {
  return ref.subAttribute !== undefined ? ref.subDef : ref.def;
}

/**
 * Resolves `[URN ":"] attr ["." sub]` against the resource type's schemas.
 * Unknown core attributes are rejected; attributes of unknown extension URNs
 * are accepted verbatim so custom extensions stay usable (lossless storage).
 */
export function resolveAttrPath(text: string, resourceType: 'User' | 'Group', scimType: ScimType): Result<AttrRef> {
  // The record keeps the reason and the path (redacted), never the raw text.
  const attribute = redactScimPath(text);
  const fail = (why: string) => err(badRequest(scimType, `${why}: '${text.slice(0, 200)}'`, { detail: why, ...(attribute !== undefined ? { attribute } : {}) }));
  let urn: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const i = text.lastIndexOf(':');
    urn = text.slice(0, i);
    rest = text.slice(i + 1);
  }
  const dot = rest.indexOf('.');
  const name = dot < 0 ? rest : rest.slice(0, dot);
  const sub = dot < 0 ? undefined : rest.slice(dot + 1);
  if (!NAME.test(name) || (sub !== undefined && !NAME.test(sub))) return fail('Invalid attribute path');

  const core = coreSchemaOf(resourceType);
  const coreUrn = resourceType === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
  let def: AttributeDefinition | undefined;
  let extension: string | undefined;
  let common = false;
  if (urn === undefined || urn.toLowerCase() === coreUrn.toLowerCase()) {
    def = findAttribute(core.attributes, name);
    if (!def && urn === undefined) {
      def = findAttribute(COMMON_ATTRIBUTES, name);
      common = def !== undefined;
    }
    if (!def) return fail(`Unknown attribute for ${resourceType}`);
  } else {
    const ext = findExtensionSchema(resourceType, urn);
    if (ext) {
      def = findAttribute(ext.attributes, name);
      if (!def) return fail(`Unknown attribute of ${ext.id}`);
      extension = ext.id;
    } else {
      extension = urn;
    }
  }
  const ref: AttrRef = { common, attribute: def ? def.name : name };
  if (extension !== undefined) ref.extension = extension;
  if (def) ref.def = def;
  if (sub !== undefined) {
    if (def) {
      if (def.type !== 'complex') return fail('Sub-attribute of a non-complex attribute');
      const subDef = findAttribute(def.subAttributes, sub);
      if (!subDef) return fail('Unknown sub-attribute');
      ref.subAttribute = subDef.name;
      ref.subDef = subDef;
    } else {
      ref.subAttribute = sub;
    }
  }
  return ok(ref);
}
