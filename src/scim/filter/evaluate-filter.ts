import { isPlainObject } from '../deep-equal';
import type { FilterNode, FilterValue } from './parse-filter';

/**
 * Evaluates a value filter (the inside of `attr[...]`) against one element
 * of a multi-valued attribute, in memory, for PATCH (RFC 7644 §3.5.2).
 * Case sensitivity follows the sub-attribute's `caseExact`.
 */
export function matchesElement(node: FilterNode, el: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matchesElement(n, el));
    case 'or':
      return node.items.some((n) => matchesElement(n, el));
    case 'not':
      return !matchesElement(node.filter, el);
    case 'valuePath':
      return false;
    case 'present': {
      const v = subValue(el, node.path.subAttribute);
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    case 'compare':
      return compare(subValue(el, node.path.subAttribute), node.op, node.value, node.path.subDef?.caseExact ?? false);
  }
}

function subValue(el: unknown, sub: string | undefined): unknown {
  if (sub === undefined) return el;
  if (!isPlainObject(el)) return sub === 'value' ? el : undefined;
  const key = Object.keys(el).find((k) => k.toLowerCase() === sub.toLowerCase());
  return key === undefined ? undefined : el[key];
}

function compare(actual: unknown, op: string, expected: FilterValue, caseExact: boolean): boolean {
  if (expected === null) return op === 'eq' ? actual === undefined || actual === null : actual !== undefined && actual !== null;
  if (op === 'ne') return !compare(actual, 'eq', expected, caseExact);
  if (typeof expected === 'boolean' || typeof expected === 'number') {
    if (typeof actual !== typeof expected) return false;
    const a = actual as number;
    const e = expected as number;
    return op === 'eq' ? a === e : op === 'gt' ? a > e : op === 'ge' ? a >= e : op === 'lt' ? a < e : op === 'le' ? a <= e : false;
  }
  if (typeof actual !== 'string') return false;
  const a = caseExact ? actual : actual.toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq': return a === e;
    case 'co': return a.includes(e);
    case 'sw': return a.startsWith(e);
    case 'ew': return a.endsWith(e);
    case 'gt': return a > e;
    case 'ge': return a >= e;
    case 'lt': return a < e;
    case 'le': return a <= e;
    default: return false;
  }
}

/**
 * The element implied by a filter made only of `eq` terms joined by `and`
 * (`type eq "work"` → `{ type: "work" }`), used when an add/replace through
 * a filter matches nothing (what Entra ID expects). Undefined otherwise.
 */
export function elementFromFilter(node: FilterNode): Record<string, unknown> | undefined {
  if (node.kind === 'compare' && node.op === 'eq' && node.path.subAttribute !== undefined && node.value !== null) {
    return { [node.path.subAttribute]: node.value };
  }
  if (node.kind === 'and') {
    const out: Record<string, unknown> = {};
    for (const n of node.items) {
      const part = elementFromFilter(n);
      if (!part) return undefined;
      Object.assign(out, part);
    }
    return out;
  }
  return undefined;
}

/** Values `x` of a filter `value eq "x" [or value eq "y" ...]`; undefined for any other shape. */
export function valueEqualities(node: FilterNode): string[] | undefined {
  if (node.kind === 'compare' && node.op === 'eq' && node.path.subAttribute === 'value' && typeof node.value === 'string') {
    return [node.value];
  }
  if (node.kind === 'or') {
    const out: string[] = [];
    for (const n of node.items) {
      const part = valueEqualities(n);
      if (!part) return undefined;
      out.push(...part);
    }
    return out;
  }
  return undefined;
}
