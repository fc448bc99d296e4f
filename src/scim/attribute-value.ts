import { AttributeDefinition, findAttribute } from './attribute-definitions';
import { isPlainObject } from './deep-equal';
import { badRequest } from './scim-error';
import { Result, err, ok } from './result';
import { pathFault } from './redact-scim-path';

/** Marker for "attribute unassigned": RFC 7643 §2.5 treats null like absence. */
export const UNASSIGNED = Symbol('unassigned');

function invalid(label: string, why: string) {
  // `label` is an attribute name, or a PATCH path whose value filter may hold literals: the record gets it redacted.
  return err(badRequest('invalidValue', `Attribute '${label}' ${why}`, pathFault(label, (shown) => `Attribute '${shown}' ${why}`)));
}

/**
 * Coerces a boolean as sent by clients: JSON booleans, and Entra ID's strings
 * "True"/"False" (any case), which Microsoft documents as a known quirk.
 */
export function coerceBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

/** Validates and normalises one (single) value of a simple or complex attribute. */
function normaliseSingle(def: AttributeDefinition, v: unknown, label: string): Result<unknown> {
  switch (def.type) {
    case 'boolean': {
      const b = coerceBoolean(v);
      return b === undefined ? invalid(label, 'must be a boolean') : ok(b);
    }
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? ok(v) : invalid(label, 'must be an integer');
    case 'decimal':
      return typeof v === 'number' && Number.isFinite(v) ? ok(v) : invalid(label, 'must be a number');
    case 'complex': {
      if (!isPlainObject(v)) return invalid(label, 'must be an object');
      return normaliseAttributes(v, def.subAttributes ?? [], `${label}.`);
    }
    default:
      return typeof v === 'string' ? ok(v) : invalid(label, 'must be a string');
  }
}

/**
 * Validates a value against its definition: arrays for multi-valued attributes
 * (RFC 7643 §2.4), objects for complex ones, coerced booleans. Returns
 * {@link UNASSIGNED} for null (and for null-only arrays' elements, dropped).
 */
export function normaliseValue(def: AttributeDefinition, v: unknown, label: string): Result<unknown> {
  if (v === null || v === undefined) return ok(UNASSIGNED);
  if (def.multiValued) {
    if (!Array.isArray(v)) return invalid(label, 'must be an array');
    const out: unknown[] = [];
    for (const item of v) {
      if (item === null) continue;
      const r = normaliseSingle(def, item, label);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  }
  return normaliseSingle(def, v, label);
}

/**
 * Canonicalises the keys of an object against attribute definitions and
 * validates known values. Unknown keys are kept verbatim (lossless round
 * trip); readOnly top-level attributes (id, meta, groups) are dropped (RFC 7643
 * §2.2: "SHALL be ignored"). readOnly sub-attributes that IdPs send inside a
 * complex value (Okta's manager.displayName) are kept: extensions must
 * round-trip losslessly.
 */
export function normaliseAttributes(
  obj: Record<string, unknown>,
  defs: readonly AttributeDefinition[],
  prefix = '',
): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(obj)) {
    const def = findAttribute(defs, key);
    if (!def) {
      out[key] = raw;
      continue;
    }
    if (def.mutability === 'readOnly' && prefix === '') continue;
    const r = normaliseValue(def, raw, prefix + def.name);
    if (!r.ok) return r;
    if (r.value === UNASSIGNED) delete out[def.name];
    else out[def.name] = r.value;
  }
  return ok(out);
}
