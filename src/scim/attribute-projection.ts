import { isPlainObject } from './deep-equal';
import { GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

/** Attributes returned whatever `attributes`/`excludedAttributes` say (RFC 7643 §7 `returned: always`). */
const ALWAYS = new Set(['id', 'schemas']);

/**
 * Splits an attribute name from `attributes`/`excludedAttributes` into key
 * segments: `emails.value` → [emails, value]; `urn:…:User:manager.value` →
 * [urn:…:User, manager, value]; core-URN-qualified names lose the URN.
 */
function segmentsOf(name: string, resource: Record<string, unknown>): string[] {
  const keyMatch = Object.keys(resource).find((k) => k.toLowerCase() === name.toLowerCase());
  if (keyMatch !== undefined) return [keyMatch];
  if (!/^urn:/i.test(name)) return name.split('.');
  const i = name.lastIndexOf(':');
  const urn = name.slice(0, i);
  const rest = name.slice(i + 1).split('.');
  const lower = urn.toLowerCase();
  return lower === USER_SCHEMA.toLowerCase() || lower === GROUP_SCHEMA.toLowerCase() ? rest : [urn, ...rest];
}

const findKey = (o: Record<string, unknown>, k: string) => Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase());

/** Copies the value at `segs` from `src` into `dst` (arrays: per element). */
function pick(src: unknown, segs: string[], dst: Record<string, unknown>): void {
  if (!isPlainObject(src) || segs.length === 0) return;
  const [head, ...rest] = segs as [string, ...string[]];
  const key = findKey(src, head);
  if (key === undefined) return;
  const v = src[key];
  if (rest.length === 0) {
    dst[key] = v;
  } else if (Array.isArray(v)) {
    const prev = Array.isArray(dst[key]) ? (dst[key] as unknown[]) : v.map(() => ({}));
    v.forEach((el, i) => {
      const target = prev[i];
      if (isPlainObject(target)) pick(el, rest, target);
    });
    dst[key] = prev;
  } else if (isPlainObject(v)) {
    const target = isPlainObject(dst[key]) ? (dst[key] as Record<string, unknown>) : {};
    pick(v, rest, target);
    dst[key] = target;
  }
}

/** Removes the value at `segs` from `obj` in place. */
function omit(obj: unknown, segs: string[]): void {
  if (!isPlainObject(obj) || segs.length === 0) return;
  const [head, ...rest] = segs as [string, ...string[]];
  const key = findKey(obj, head);
  if (key === undefined) return;
  if (rest.length === 0) {
    delete obj[key];
    return;
  }
  const v = obj[key];
  if (Array.isArray(v)) v.forEach((el) => omit(el, rest));
  else omit(v, rest);
}

/**
 * Applies RFC 7644 §3.4.2.5 `attributes` (only these, plus `id`/`schemas`)
 * or else `excludedAttributes`. Names are case-insensitive.
 */
export function projectAttributes(
  resource: Record<string, unknown>,
  attributes: string[] | undefined,
  excludedAttributes: string[] | undefined,
): Record<string, unknown> {
  if (attributes && attributes.length > 0) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(resource)) if (ALWAYS.has(k)) out[k] = resource[k];
    for (const a of attributes) pick(resource, segmentsOf(a, resource), out);
    // Drop extension objects that came out empty.
    for (const [k, v] of Object.entries(out)) if (isPlainObject(v) && Object.keys(v).length === 0 && k !== 'meta') delete out[k];
    return orderLike(resource, out);
  }
  if (excludedAttributes && excludedAttributes.length > 0) {
    const out = structuredClone(resource);
    for (const a of excludedAttributes) {
      const segs = segmentsOf(a, out);
      if (segs.length === 1 && ALWAYS.has(segs[0] ?? '')) continue;
      omit(out, segs);
    }
    return out;
  }
  return resource;
}

function orderLike(template: Record<string, unknown>, o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(template)) if (k in o) out[k] = o[k];
  return out;
}
