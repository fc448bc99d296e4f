import { findAttribute } from '../attribute-definitions';
import { AttrRef, resolveAttrPath } from '../attribute-path';
import { isPlainObject } from '../deep-equal';
import { FilterNode, parseFilter } from '../filter/parse-filter';
import { Result, err, ok } from '../result';
import { badRequest } from '../scim-error';
import { PATCH_OP_SCHEMA } from '../schema-urns';
import { redactScimPath } from '../redact-scim-path';

/** The path at fault, as the rejected-request record keeps it (filter literals redacted). */
const atPath = (raw: string) => {
  const attribute = redactScimPath(raw);
  return attribute !== undefined ? { attribute } : {};
};

/**
 * A parsed PATCH path (RFC 7644 §3.5.2, `PATH = attrPath / valuePath [subAttr]`).
 * `ref.subAttribute` is the trailing sub-attribute, with or without a filter:
 * `name.givenName` → ref{name, givenName}; `emails[type eq "work"].value` →
 * ref{emails, value} + filter.
 */
export interface PatchPath {
  raw: string;
  ref: AttrRef;
  /** Value filter over the elements of `ref.attribute`; sub-attribute paths inside it are relative. */
  filter?: FilterNode;
}

/** One PATCH operation; `op` normalised to lower case (Entra sends "Replace"). */
export type PatchOp = { op: 'add' | 'replace' | 'remove'; path?: PatchPath; value?: unknown };

const OPS = new Set(['add', 'replace', 'remove']);

/** Parses a PATCH `path` string; errors are `invalidPath` (RFC 7644 §3.5.2). */
export function parsePatchPath(raw: string, resourceType: 'User' | 'Group'): Result<PatchPath> {
  if (!raw.includes('[')) {
    const ref = resolveAttrPath(raw, resourceType, 'invalidPath');
    return ref.ok ? ok({ raw, ref: ref.value }) : ref;
  }
  const m = /^(.+\])(?:\.([A-Za-z$][\w$-]*))?$/s.exec(raw);
  const parsed = m?.[1] !== undefined ? parseFilter(m[1], resourceType) : undefined;
  if (!m || !parsed || !parsed.ok || parsed.value.kind !== 'valuePath') {
    const why = parsed && !parsed.ok ? `: ${parsed.error.message}` : '';
    return err(badRequest('invalidPath', `Invalid path '${raw.slice(0, 200)}'${why}`, { ...atPath(raw), detail: 'Invalid path' }));
  }
  const node = parsed.value;
  const ref: AttrRef = { ...node.path };
  const sub = m[2];
  if (sub !== undefined) {
    if (ref.def) {
      const subDef = findAttribute(ref.def.subAttributes, sub);
      if (!subDef) return err(badRequest('invalidPath', `Unknown sub-attribute in path '${raw.slice(0, 200)}'`, { ...atPath(raw), detail: 'Unknown sub-attribute in path' }));
      ref.subAttribute = subDef.name;
      ref.subDef = subDef;
    } else {
      ref.subAttribute = sub;
    }
  }
  return ok({ raw, ref, filter: node.filter });
}

/**
 * Validates a PATCH body (RFC 7644 §3.5.2): `schemas` with the PatchOp URN,
 * a non-empty `Operations` array, known ops (case-insensitive), parseable
 * paths. Values are validated when applied, against the target attribute.
 */
export function parsePatchRequest(body: unknown, resourceType: 'User' | 'Group'): Result<PatchOp[]> {
  if (!isPlainObject(body)) return err(badRequest('invalidSyntax', 'Request body must be a JSON object'));
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    return err(badRequest('invalidSyntax', `'schemas' must contain '${PATCH_OP_SCHEMA}'`));
  }
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const raw = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(raw)) return err(badRequest('invalidSyntax', "'Operations' must be an array of operations"));
  if (raw.length === 0) return err(badRequest('invalidValue', "'Operations' is empty: a PATCH request needs at least one operation"));
  const out: PatchOp[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isPlainObject(item)) return err(badRequest('invalidSyntax', `Operations[${i}] must be an object`));
    const get = (name: string) => {
      const k = Object.keys(item).find((x) => x.toLowerCase() === name);
      return k === undefined ? undefined : item[k];
    };
    const opRaw = get('op');
    const op = typeof opRaw === 'string' ? opRaw.toLowerCase() : '';
    if (!OPS.has(op)) return err(badRequest('invalidSyntax', `Operations[${i}].op must be add, replace or remove`));
    const pathRaw = get('path');
    if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string') {
      return err(badRequest('invalidPath', `Operations[${i}].path must be a string`));
    }
    const value = get('value');
    const parsed: PatchOp = { op: op as PatchOp['op'] };
    if (typeof pathRaw === 'string' && pathRaw.trim() !== '') {
      const p = parsePatchPath(pathRaw.trim(), resourceType);
      if (!p.ok) return p;
      parsed.path = p.value;
    } else if (op === 'remove') {
      return err(badRequest('noTarget', `Operations[${i}]: remove requires a path`));
    }
    if (op !== 'remove' && value === undefined) {
      return err(badRequest('invalidValue', `Operations[${i}]: ${op} requires a value`));
    }
    if (value !== undefined) parsed.value = value;
    out.push(parsed);
  }
  return ok(out);
}
