import { AttributeDefinition } from '../attribute-definitions';
import { UNASSIGNED, normaliseValue } from '../attribute-value';
import { deepEqual, isPlainObject } from '../deep-equal';
import { elementFromFilter, matchesElement } from '../filter/evaluate-filter';
import { Result, err, ok } from '../result';
import { badRequest } from '../scim-error';
import { pathFault } from '../redact-scim-path';
import type { ScimDoc } from '../user-document';
import type { PatchOp, PatchPath } from './parse-patch';

type Op = PatchOp['op'];
const done = ok<true>(true);

/** Validates a value for `def`, wrapping a single value when a multi-valued attribute expects an array. */
function normalise(def: AttributeDefinition | undefined, v: unknown, label: string): Result<unknown> {
  if (!def) return ok(v === null ? UNASSIGNED : v);
  const wrapped = def.multiValued && v !== null && !Array.isArray(v) ? [v] : v;
  return normaliseValue(def, wrapped, label);
}

/** The object holding the attribute: the doc, or its extension object (created on demand). */
function containerOf(doc: ScimDoc, path: PatchPath, create: boolean): Record<string, unknown> | undefined {
  const ext = path.ref.extension;
  if (ext === undefined) return doc;
  const key = Object.keys(doc).find((k) => k.toLowerCase() === ext.toLowerCase()) ?? ext;
  const existing = doc[key];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const fresh: Record<string, unknown> = {};
  doc[key] = fresh;
  return fresh;
}

/**
 * Applies one add/replace/remove to a doc in place (RFC 7644 §3.5.2.1-3).
 * The caller works on a copy, so a failure leaves the stored doc untouched.
 */
export function applyAtPath(doc: ScimDoc, op: Op, path: PatchPath, value: unknown): Result<true> {
  const { ref } = path;
  const def = ref.def;
  if (def?.mutability === 'readOnly' || ref.subDef?.mutability === 'readOnly') {
    return err(badRequest('mutability', `Attribute '${path.raw.slice(0, 200)}' is readOnly`, pathFault(path.raw, (p) => `Attribute '${p}' is readOnly`)));
  }
  if (!ref.extension && ref.attribute === 'password') return done; // never stored (writeOnly)
  const container = containerOf(doc, path, op !== 'remove');
  if (!container) return done;
  const name = ref.attribute;
  if (path.filter) return applyFiltered(container, op, path, value);
  if (ref.subAttribute !== undefined) return applySub(container, op, path, value);

  if (op === 'remove') {
    if (def?.required) return err(badRequest('mutability', `Required attribute '${name}' cannot be removed`, { attribute: name }));
    if (def?.multiValued && Array.isArray(value) && Array.isArray(container[name])) {
      // Entra style: remove the listed values from a multi-valued attribute.
      const kept = (container[name] as unknown[]).filter((el) => !value.some((v) => sameElement(el, v)));
      if (kept.length > 0) container[name] = kept;
      else delete container[name];
      return done;
    }
    delete container[name];
    return done;
  }
  const r = normalise(def, value, path.raw);
  if (!r.ok) return r;
  if (r.value === UNASSIGNED) {
    if (op === 'replace') {
      if (def?.required) return err(badRequest('mutability', `Required attribute '${name}' cannot be removed`, { attribute: name }));
      delete container[name];
    }
    return done;
  }
  const current = container[name];
  if (def?.multiValued && op === 'add' && Array.isArray(current) && Array.isArray(r.value)) {
    // RFC 7644 §3.5.2.1: add appends to a multi-valued attribute; an identical value is not duplicated.
    container[name] = [...current, ...r.value.filter((v) => !current.some((c) => deepEqual(c, v)))];
  } else if (def?.type === 'complex' && !def.multiValued && isPlainObject(current) && isPlainObject(r.value)) {
    // Complex single-valued: listed sub-attributes are set, others unchanged (§3.5.2.1 and §3.5.2.3).
    container[name] = { ...current, ...r.value };
  } else {
    if (def?.required && (typeof r.value !== 'string' || r.value.trim() === '')) {
      return err(badRequest('invalidValue', `Attribute '${name}' must be a non-empty string`, { attribute: name }));
    }
    container[name] = r.value;
  }
  return done;
}

function sameElement(el: unknown, v: unknown): boolean {
  if (isPlainObject(el) && isPlainObject(v) && 'value' in v) return deepEqual(el['value'], v['value']);
  return deepEqual(el, v);
}

/** `name.givenName`, `manager.value`: a sub-attribute of a complex attribute, without filter. */
function applySub(container: Record<string, unknown>, op: Op, path: PatchPath, value: unknown): Result<true> {
  const { ref } = path;
  const name = ref.attribute;
  const sub = ref.subAttribute as string;
  const current = container[name];
  if (ref.def?.multiValued || Array.isArray(current)) {
    if (op !== 'remove') return err(badRequest('invalidPath', `Path '${path.raw.slice(0, 200)}' needs a value filter, e.g. ${name}[type eq "work"].${sub}`, pathFault(path.raw, (p) => `Path '${p}' needs a value filter`)));
    if (Array.isArray(current)) current.forEach((el) => isPlainObject(el) && delete el[sub]);
    return done;
  }
  if (op === 'remove') {
    if (isPlainObject(current)) {
      delete current[sub];
      if (Object.keys(current).length === 0) delete container[name];
    }
    return done;
  }
  const r = normalise(ref.subDef, value, path.raw);
  if (!r.ok) return r;
  const obj = isPlainObject(current) ? current : {};
  if (r.value === UNASSIGNED) delete obj[sub];
  else obj[sub] = r.value;
  if (Object.keys(obj).length > 0) container[name] = obj;
  else delete container[name];
  return done;
}

/** `emails[type eq "work"]` or `emails[type eq "work"].value`. */
function applyFiltered(container: Record<string, unknown>, op: Op, path: PatchPath, value: unknown): Result<true> {
  const { ref } = path;
  const filter = path.filter;
  if (!filter) return done;
  const name = ref.attribute;
  const sub = ref.subAttribute;
  const list = Array.isArray(container[name]) ? [...(container[name] as unknown[])] : [];
  const hits = list.map((el) => matchesElement(filter, el));
  if (op === 'remove') {
    const kept = sub === undefined ? list.filter((_, i) => !hits[i]) : list;
    if (sub !== undefined) list.forEach((el, i) => hits[i] && isPlainObject(el) && delete el[sub]);
    if (kept.length > 0) container[name] = kept;
    else delete container[name];
    return done;
  }
  const elemDef = ref.def ? { ...ref.def, multiValued: false } : undefined;
  const r = sub !== undefined ? normalise(ref.subDef, value, path.raw) : normalise(elemDef, value, path.raw);
  if (!r.ok) return r;
  if (r.value === UNASSIGNED) return done;
  if (!hits.some(Boolean)) {
    // Entra ID adds `emails[type eq "work"].value` for a user without a work email:
    // create the element the filter describes rather than failing with noTarget.
    const seed = elementFromFilter(filter);
    if (!seed || (sub === undefined && !isPlainObject(r.value))) {
      return err(badRequest('noTarget', `No value of '${name}' matches '${path.raw.slice(0, 200)}'`, pathFault(path.raw, (p) => `No value of '${name}' matches '${p}'`)));
    }
    list.push(sub !== undefined ? { ...seed, [sub]: r.value } : { ...seed, ...(r.value as Record<string, unknown>) });
    container[name] = list;
    return done;
  }
  container[name] = list.map((el, i) => {
    if (!hits[i]) return el;
    if (sub !== undefined) return { ...(isPlainObject(el) ? el : {}), [sub]: r.value };
    if (!isPlainObject(r.value)) return r.value;
    return op === 'add' && isPlainObject(el) ? { ...el, ...r.value } : r.value;
  });
  return done;
}
