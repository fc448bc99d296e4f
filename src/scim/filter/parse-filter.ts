import type { Filter } from 'scim2-parse-filter';
import { AttrRef, leafDef, resolveAttrPath } from '../attribute-path';
import { findAttribute } from '../attribute-definitions';
import { coerceBoolean } from '../attribute-value';
import { Result, err, ok } from '../result';
import { badRequest, type ScimFault } from '../scim-error';
import { redactScimPath } from '../redact-scim-path';
import { isUnstorableText } from '../storable-text';
import { isStorableInstant } from '../storable-date';
import { parseFilterSyntax } from './filter-tokens';

/** Comparison operators of RFC 7644 §3.4.2.2, Table 3. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
/** A comparison value after validation (dateTime values normalised to ISO 8601). */
export type FilterValue = string | number | boolean | null;

/**
 * Validated filter AST. Inside a `valuePath`, paths carry the parent
 * attribute and the sub-attribute (`emails[type eq "work"]` → compare on
 * `{attribute:'emails', subAttribute:'type'}`).
 */
export type FilterNode =
  | { kind: 'compare'; op: CompareOp; path: AttrRef; value: FilterValue }
  | { kind: 'present'; path: AttrRef }
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'valuePath'; path: AttrRef; filter: FilterNode };

/** Hostile-input limits (RFC 7644 §7 asks servers to protect themselves). */
export const FILTER_LIMITS = { maxLength: 4096, maxNodes: 256, maxDepth: 64 } as const;

type Rt = 'User' | 'Group';
interface Ctx {
  rt: Rt;
  parent?: AttrRef;
  nodes: number;
}

/**
 * Filter errors: `detail` names attributes and operators only, except where a
 * `fault` is given (the tokenizer's message quotes the filter text): the record
 * then keeps that value-free detail instead (docs/admin-portal.md, "Rejected").
 */
const fail = (detail: string, fault?: ScimFault) => err(badRequest('invalidFilter', detail, fault));
const about = (attrPath: string): ScimFault => {
  const attribute = redactScimPath(attrPath);
  return attribute !== undefined ? { attribute } : {};
};
const ORDERING = new Set<CompareOp>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOp>(['co', 'sw', 'ew']);

/**
 * Parses and validates a SCIM filter (RFC 7644 §3.4.2.2) for a resource type.
 * Attribute names resolve case-insensitively to canonical names; unknown core
 * attributes, comparisons of complex attributes, ordering on booleans and
 * unparseable dates are `invalidFilter`, never a later 500.
 */
export function parseFilter(text: string, resourceType: Rt): Result<FilterNode> {
  if (text.length > FILTER_LIMITS.maxLength) return fail(`Filter longer than ${FILTER_LIMITS.maxLength} characters`);
  if (text.trim() === '') return fail('Filter is empty');
  let ast: Filter;
  try {
    ast = parseFilterSyntax(text, FILTER_LIMITS.maxDepth);
  } catch (e) {
    return fail(`Invalid filter: ${e instanceof Error ? e.message.slice(0, 200) : 'syntax error'}`, { detail: 'Invalid filter syntax' });
  }
  return convert(ast, { rt: resourceType, nodes: 0 }, 0);
}

/** Converts one package AST node, checking node count and depth. */
function convert(f: Filter, ctx: Ctx, depth: number): Result<FilterNode> {
  if (++ctx.nodes > FILTER_LIMITS.maxNodes) return fail(`Filter has more than ${FILTER_LIMITS.maxNodes} expressions`);
  if (depth > FILTER_LIMITS.maxDepth) return fail('Filter is nested too deeply');
  switch (f.op) {
    case 'and':
    case 'or': {
      const items: FilterNode[] = [];
      for (const sub of (f as { filters: Filter[] }).filters) {
        const r = convert(sub, ctx, depth + 1);
        if (!r.ok) return r;
        items.push(r.value);
      }
      return ok({ kind: f.op, items });
    }
    case 'not': {
      const r = convert((f as { filter: Filter }).filter, ctx, depth + 1);
      return r.ok ? ok({ kind: 'not', filter: r.value }) : r;
    }
    case '[]':
      return convertValuePath(f as { attrPath: string; valFilter: Filter }, ctx, depth);
    case 'pr': {
      const path = resolve((f as { attrPath: string }).attrPath, ctx);
      if (!path.ok) return path;
      return checkSpecial(path.value, 'pr', ctx.rt) ?? ok({ kind: 'present', path: path.value });
    }
    default:
      return convertCompare(f as { op: CompareOp; attrPath: string; compValue: FilterValue }, ctx);
  }
}

function convertValuePath(f: { attrPath: string; valFilter: Filter }, ctx: Ctx, depth: number): Result<FilterNode> {
  if (ctx.parent) return fail('Nested value filters are not allowed');
  const path = resolveAttrPath(f.attrPath, ctx.rt, 'invalidFilter');
  if (!path.ok) return path;
  const p = path.value;
  if (p.subAttribute !== undefined || (p.def && p.def.type !== 'complex')) {
    return fail(`'${f.attrPath}[...]' requires a complex attribute`, about(f.attrPath));
  }
  const inner = convert(f.valFilter, { ...ctx, parent: p }, depth + 1);
  return inner.ok ? ok({ kind: 'valuePath', path: p, filter: inner.value }) : inner;
}

/** Resolves a path, relative to the value-path parent when inside `[...]`. */
function resolve(attrPath: string, ctx: Ctx): Result<AttrRef> {
  const parent = ctx.parent;
  if (!parent) return resolveAttrPath(attrPath, ctx.rt, 'invalidFilter');
  if (!/^[A-Za-z$][\w$-]*$/.test(attrPath)) return fail(`Invalid sub-attribute '${attrPath.slice(0, 100)}'`, { detail: 'Invalid sub-attribute' });
  if (!parent.def) return ok({ ...parent, subAttribute: attrPath });
  const subDef = findAttribute(parent.def.subAttributes, attrPath);
  if (!subDef) return fail(`Unknown sub-attribute '${attrPath.slice(0, 100)}' of '${parent.attribute}'`, about(`${parent.attribute}.${attrPath}`));
  return ok({ ...parent, subAttribute: subDef.name, subDef });
}

/** Restrictions for attributes that map to columns or tables, not to the doc. */
function checkSpecial(p: AttrRef, op: CompareOp | 'pr', rt: Rt): Result<FilterNode> | undefined {
  const relation = (rt === 'Group' && p.attribute === 'members') || (rt === 'User' && p.attribute === 'groups');
  if (relation && p.extension === undefined) {
    if (p.subAttribute !== 'value' && !(op === 'pr' && p.subAttribute === undefined)) {
      return fail(`Only '${p.attribute}.value' can be filtered on`);
    }
    if (op !== 'eq' && op !== 'ne' && op !== 'pr') return fail(`Only eq, ne and pr apply to '${p.attribute}.value'`);
  }
  if (p.common && p.attribute === 'meta') {
    if (p.subAttribute !== 'created' && p.subAttribute !== 'lastModified') {
      return fail('Only meta.created and meta.lastModified can be filtered on');
    }
  }
  return undefined;
}

function convertCompare(f: { op: CompareOp; attrPath: string; compValue: FilterValue }, ctx: Ctx): Result<FilterNode> {
  const resolved = resolve(f.attrPath, ctx);
  if (!resolved.ok) return resolved;
  let path = resolved.value;
  // RFC 7643 §2.4: a multi-valued complex attribute compared directly is
  // compared through its `value` sub-attribute (`emails co "@x"`).
  if (path.subAttribute === undefined && path.def?.type === 'complex') {
    const valueDef = path.def.multiValued ? findAttribute(path.def.subAttributes, 'value') : undefined;
    if (!valueDef) return fail(`Cannot compare complex attribute '${path.attribute}'`, { attribute: path.attribute });
    path = { ...path, subAttribute: valueDef.name, subDef: valueDef };
  }
  const special = checkSpecial(path, f.op, ctx.rt);
  if (special) return special;
  const value = checkValue(path, f.op, f.compValue, f.attrPath);
  return value.ok ? ok({ kind: 'compare', op: f.op, path, value: value.value }) : value;
}

/** Type-checks a comparison value against the attribute's type. */
function checkValue(path: AttrRef, op: CompareOp, v: FilterValue, label: string): Result<FilterValue> {
  const def = leafDef(path);
  const name = label.slice(0, 100);
  const failOn = (detail: string) => fail(detail, about(label));
  if (v === null) return op === 'eq' || op === 'ne' ? ok(null) : failOn(`'${op}' needs a non-null value`);
  // The literal was JSON-decoded just now: `\u0000` or a lone `\ud800` only appears here, after the edge's scan.
  if (typeof v === 'string' && isUnstorableText(v)) return failOn(`'${name}' compares with U+0000 or an unpaired UTF-16 surrogate`);
  if (typeof v === 'number' && !Number.isFinite(v)) return failOn(`'${name}' compares with a number out of range`);
  if (SUBSTRING.has(op) && typeof v !== 'string') return failOn(`'${op}' needs a string value`);
  if (!def) return ok(v);
  switch (def.type) {
    case 'boolean': {
      if (ORDERING.has(op) || SUBSTRING.has(op)) return failOn(`'${op}' does not apply to boolean '${name}'`);
      const b = coerceBoolean(v);
      return b === undefined ? failOn(`'${name}' is boolean`) : ok(b);
    }
    case 'integer':
    case 'decimal':
      if (SUBSTRING.has(op)) return failOn(`'${op}' does not apply to number '${name}'`);
      return typeof v === 'number' ? ok(v) : failOn(`'${name}' is a number`);
    case 'dateTime': {
      if (SUBSTRING.has(op)) return failOn(`'${op}' does not apply to dateTime '${name}'`);
      const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(t)) return failOn(`'${name}' needs an ISO 8601 date`);
      return isStorableInstant(t) ? ok(new Date(t).toISOString()) : failOn(`'${name}' needs a date between years 0001 and 9999`);
    }
    case 'complex':
      return failOn(`Cannot compare complex attribute '${name}'`);
    default:
      if (typeof v === 'boolean') return failOn(`'${name}' is a string`);
      return ok(typeof v === 'number' ? String(v) : v);
  }
}
