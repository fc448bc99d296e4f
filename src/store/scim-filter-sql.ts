import type { AttrRef } from '../scim/attribute-path';
import type { CompareOp, FilterNode, FilterValue } from '../scim/filter/parse-filter';

/**
 * A parameterised SQL boolean expression for `query.whereRaw(sql, bindings)`.
 * Every value and attribute name supplied by the client is a binding; the SQL
 * text only contains our own column names. The text never contains the jsonb
 * `?`/`?|`/`?&` operators, which knex would take for placeholders.
 */
export interface SqlFragment {
  sql: string;
  bindings: unknown[];
}

type Table = 'users' | 'groups';
interface Ctx {
  table: Table;
  /** SQL of the jsonb element inside a value filter over a doc array. */
  elem?: string;
  /** Inside a value filter over the group_members relation. */
  relation?: boolean;
}
type ColumnType = 'text' | 'bool' | 'timestamp' | 'uuid';
type Accessor =
  | { kind: 'column'; sql: string; type: ColumnType; caseExact: boolean }
  | { kind: 'json'; base: string; path: string[]; caseExact: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CMP: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };
const TRUE: SqlFragment = { sql: 'true', bindings: [] };
const FALSE: SqlFragment = { sql: 'false', bindings: [] };

/** Compiles a validated User filter (see `parseFilter`) for `FROM users`. */
export function compileUserFilter(node: FilterNode): SqlFragment {
  return compile(node, { table: 'users' });
}

/** Compiles a validated Group filter (see `parseFilter`) for `FROM groups`. */
export function compileGroupFilter(node: FilterNode): SqlFragment {
  return compile(node, { table: 'groups' });
}

/** Escapes LIKE metacharacters so `co "50%_off"` matches literally (used with ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}

/** SQL three-valued logic would make `not (externalId eq "x")` skip rows without externalId; coalesce restores SCIM's two values. */
function negate(f: SqlFragment): SqlFragment {
  return { sql: `NOT coalesce((${f.sql}), false)`, bindings: f.bindings };
}

function compile(node: FilterNode, ctx: Ctx): SqlFragment {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.items.map((n) => compile(n, ctx));
      return {
        sql: `(${parts.map((p) => `(${p.sql})`).join(node.kind === 'and' ? ' AND ' : ' OR ')})`,
        bindings: parts.flatMap((p) => p.bindings),
      };
    }
    case 'not':
      return negate(compile(node.filter, ctx));
    case 'valuePath':
      return compileValuePath(node.path, node.filter, ctx);
    case 'present':
      return compileLeaf(node.path, 'pr', null, ctx);
    case 'compare':
      return compileLeaf(node.path, node.op, node.value, ctx);
  }
}

function isRelation(p: AttrRef, table: Table): boolean {
  if (p.extension !== undefined) return false;
  return (table === 'groups' && p.attribute === 'members') || (table === 'users' && p.attribute === 'groups');
}

/** `EXISTS` over group_members: a group's members, or a user's groups. */
function relationExists(table: Table, inner: SqlFragment): SqlFragment {
  const link = table === 'groups' ? 'gm.group_id = groups.id' : 'gm.user_id = users.id';
  return { sql: `EXISTS (SELECT 1 FROM group_members gm WHERE ${link} AND (${inner.sql}))`, bindings: inner.bindings };
}

/** jsonb of a doc attribute (`users.doc #> '{emails}'`), path bound as text[]. */
function docPath(table: Table, p: AttrRef): string[] {
  return p.extension !== undefined ? [p.extension, p.attribute] : [p.attribute];
}

/** `EXISTS` over the elements of a jsonb array, tolerating non-array data. */
function arrayExists(table: Table, path: string[], inner: SqlFragment): SqlFragment {
  const j = `${table}.doc #> ?::text[]`;
  return {
    sql:
      `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${j}) = 'array' ` +
      `THEN ${j} ELSE '[]'::jsonb END) AS e(v) WHERE ${inner.sql})`,
    bindings: [path, path, ...inner.bindings],
  };
}

function compileValuePath(p: AttrRef, filter: FilterNode, ctx: Ctx): SqlFragment {
  if (isRelation(p, ctx.table)) return relationExists(ctx.table, compile(filter, { table: ctx.table, relation: true }));
  const path = docPath(ctx.table, p);
  if (p.def && !p.def.multiValued) {
    // Single complex attribute: `name[givenName eq "x"]` filters the object itself.
    const inner = compile(filter, { table: ctx.table, elem: 'o.v' });
    return {
      sql: `EXISTS (SELECT 1 FROM (SELECT ${ctx.table}.doc #> ?::text[]) AS o(v) WHERE ${inner.sql})`,
      bindings: [path, ...inner.bindings],
    };
  }
  return arrayExists(ctx.table, path, compile(filter, { table: ctx.table, elem: 'e.v' }));
}

function compileLeaf(p: AttrRef, op: CompareOp | 'pr', value: FilterValue, ctx: Ctx): SqlFragment {
  const t = ctx.table;
  const caseExact = (p.subAttribute !== undefined ? p.subDef?.caseExact : p.def?.caseExact) ?? false;
  if (ctx.relation) return relationLeaf(t, op, value);
  if (ctx.elem !== undefined) {
    return leaf({ kind: 'json', base: ctx.elem, path: [p.subAttribute ?? 'value'], caseExact }, op, value);
  }
  if (isRelation(p, t)) {
    return relationExists(t, p.subAttribute === undefined ? TRUE : relationLeaf(t, op, value));
  }
  const column = columnFor(p, t);
  if (column) return leaf(column, op, value);
  const path = docPath(t, p);
  if (p.def?.multiValued) {
    const sub = p.subAttribute === undefined ? [] : [p.subAttribute];
    if (op === 'pr' && sub.length === 0) {
      // A multi-valued attribute is present when it is a non-empty array.
      const j = `${t}.doc #> ?::text[]`;
      return { sql: `coalesce(jsonb_typeof(${j}) = 'array' AND (${j}) <> '[]'::jsonb, false)`, bindings: [path, path] };
    }
    return arrayExists(t, path, leaf({ kind: 'json', base: 'e.v', path: sub, caseExact }, op, value));
  }
  const full = p.subAttribute === undefined ? path : [...path, p.subAttribute];
  return leaf({ kind: 'json', base: `${t}.doc`, path: full, caseExact }, op, value);
}

/** Attributes with their own (indexed) column. */
function columnFor(p: AttrRef, t: Table): Accessor | undefined {
  if (p.extension !== undefined) return undefined;
  const col = (sql: string, type: ColumnType, caseExact: boolean): Accessor => ({ kind: 'column', sql: `${t}.${sql}`, type, caseExact });
  if (p.common) {
    if (p.attribute === 'id') return col('id', 'uuid', true);
    if (p.attribute === 'externalId') return col('external_id', 'text', true);
    if (p.subAttribute === 'created') return col('created_at', 'timestamp', true);
    return col('updated_at', 'timestamp', true);
  }
  if (p.subAttribute !== undefined) return undefined;
  if (t === 'users' && p.attribute === 'userName') return col('user_name', 'text', false);
  if (p.attribute === 'displayName') return col('display_name', 'text', false);
  if (t === 'users' && p.attribute === 'active') return col('active', 'bool', true);
  return undefined;
}

/** `members.value` / `groups.value` against group_members (uuid columns). */
function relationLeaf(t: Table, op: CompareOp | 'pr', value: FilterValue): SqlFragment {
  if (op === 'pr') return TRUE;
  const column = t === 'groups' ? 'gm.user_id' : 'gm.group_id';
  return leaf({ kind: 'column', sql: column, type: 'uuid', caseExact: true }, op, value);
}

function leaf(a: Accessor, op: CompareOp | 'pr', value: FilterValue): SqlFragment {
  if (op === 'pr') return present(a);
  if (value === null) return op === 'eq' ? negate(present(a)) : present(a);
  if (op === 'ne') return negate(leaf(a, 'eq', value));
  if (a.kind === 'column') return columnLeaf(a, op, value);
  const j = `${a.base} #> ?::text[]`;
  if (typeof value === 'boolean') {
    return { sql: `(${j}) = to_jsonb(?::boolean)`, bindings: [a.path, value] };
  }
  if (typeof value === 'number') {
    if (op === 'co' || op === 'sw' || op === 'ew') return FALSE;
    return {
      sql: `(CASE WHEN jsonb_typeof(${j}) = 'number' THEN (${j})::numeric END) ${CMP[op]} ?::numeric`,
      bindings: [a.path, a.path, value],
    };
  }
  return textLeaf(`(${a.base} #>> ?::text[])`, [a.path], a.caseExact, op, value);
}

function columnLeaf(a: Extract<Accessor, { kind: 'column' }>, op: Exclude<CompareOp, 'ne'>, value: string | number | boolean): SqlFragment {
  if (a.type === 'bool') return { sql: `${a.sql} = ?::boolean`, bindings: [value] };
  if (a.type === 'timestamp') {
    if (op === 'co' || op === 'sw' || op === 'ew') return FALSE;
    return { sql: `${a.sql} ${CMP[op]} ?::timestamptz`, bindings: [String(value)] };
  }
  if (a.type === 'uuid' && op === 'eq') {
    // A non-UUID id can match nothing; binding it to ::uuid would raise 22P02 (a 500).
    return typeof value === 'string' && UUID.test(value) ? { sql: `${a.sql} = ?::uuid`, bindings: [value] } : FALSE;
  }
  const sql = a.type === 'uuid' ? `${a.sql}::text` : a.sql;
  return textLeaf(sql, [], a.caseExact, op, String(value));
}

function textLeaf(expr: string, pre: unknown[], caseExact: boolean, op: Exclude<CompareOp, 'ne'>, value: string | number | boolean): SqlFragment {
  const v = String(value);
  const lhs = caseExact ? expr : `lower(${expr})`;
  const rhs = caseExact ? '?::text' : 'lower(?::text)';
  if (op === 'co' || op === 'sw' || op === 'ew') {
    const pattern = (op === 'sw' ? '' : '%') + escapeLike(v) + (op === 'ew' ? '' : '%');
    return { sql: `${lhs} LIKE ${rhs} ESCAPE '\\'`, bindings: [...pre, pattern] };
  }
  return { sql: `${lhs} ${CMP[op]} ${rhs}`, bindings: [...pre, v] };
}

function present(a: Accessor): SqlFragment {
  if (a.kind === 'column') {
    return a.type === 'text'
      ? { sql: `(${a.sql} IS NOT NULL AND ${a.sql} <> '')`, bindings: [] }
      : { sql: `${a.sql} IS NOT NULL`, bindings: [] };
  }
  // RFC 7644 §3.4.2.2 `pr`: has a non-empty value (not null, "", [] or {}).
  return {
    sql: `coalesce((${a.base} #> ?::text[]) NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb), false)`,
    bindings: [a.path],
  };
}
