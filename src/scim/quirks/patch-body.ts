import { isPlainObject } from '../deep-equal';
import { valueEqualities } from '../filter/evaluate-filter';
import { parseFilter } from '../filter/parse-filter';
import { ENTERPRISE_USER_SCHEMA } from '../schema-urns';
import { findKey } from './json-keys';
import { normaliseManager } from './manager-value';

type Op = Record<string, unknown>;

const MANAGER_PATH = `${ENTERPRISE_USER_SCHEMA}:manager`.toLowerCase();
const MANAGER_VALUE_PATH = `${MANAGER_PATH}.value`;

/**
 * Lenient forms of a PATCH body that are safe for every provider. (A PATCH without
 * the PatchOp URN in `schemas` stays a 400: no provider is known to omit it, and
 * test/http/scim-bad-input.test.ts pins that contract.)
 * - `manager` set from a plain string id (Entra ID: `{"op":"Add"|"Replace","path":
 *   "…enterprise:2.0:User:manager","value":"<id>"}`) becomes the RFC form: the old
 *   manager is removed and `{"value": id}` added, so no stale `displayName` survives.
 *   A blank string (Entra's "clear the manager") becomes a remove. The same for a
 *   string or blank in a path-less value, and a blank `manager.value`.
 * - `add` on `members[value eq "id"]` without a value (a form reported for OneLogin)
 *   becomes an add of those members; RFC 7644 defines no other meaning for it.
 * Anything not recognised is passed through unchanged for the PATCH parser to judge.
 */
export function normalisePatchBody(body: unknown, resourceType: 'User' | 'Group'): unknown {
  if (!isPlainObject(body)) return body;
  const out: Record<string, unknown> = { ...body };
  const opsKey = findKey(out, 'Operations');
  const ops = opsKey === undefined ? undefined : out[opsKey];
  if (opsKey === undefined || !Array.isArray(ops)) return out;
  out[opsKey] = ops.flatMap((op: unknown) => (isPlainObject(op) ? normaliseOp(op, resourceType) : [op]));
  return out;
}

function normaliseOp(op: Op, resourceType: 'User' | 'Group'): unknown[] {
  const opName = str(op, 'op')?.toLowerCase();
  const path = str(op, 'path')?.trim();
  if (opName !== 'add' && opName !== 'replace') return [op];
  if (resourceType === 'Group') return [membersFilterAdd(op, opName, path) ?? op];
  if (path === undefined || path === '') return pathlessManager(op, opName);
  const lower = path.toLowerCase();
  const value = get(op, 'value');
  if (lower === MANAGER_VALUE_PATH && (value === null || (typeof value === 'string' && value.trim() === ''))) {
    return [{ op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:manager` }];
  }
  if (lower !== MANAGER_PATH) return [op];
  return managerOps(value, opName) ?? [op];
}

/** Ops that set or clear the manager; undefined when the value is not one of the lenient forms. */
function managerOps(value: unknown, opName: string): Op[] | undefined {
  if (typeof value !== 'string' && !isPlainObject(value)) return undefined;
  const manager = normaliseManager(value);
  const path = `${ENTERPRISE_USER_SCHEMA}:manager`;
  if (manager.kind === 'keep') return undefined;
  if (manager.kind === 'clear') return [{ op: 'remove', path }];
  // A string id names a whole new manager: nothing of the old one (its displayName) may survive.
  if (typeof value === 'string') return [{ op: 'remove', path }, { op: 'add', path, value: manager.value }];
  // An object keeps RFC add/replace semantics; only its managerId was renamed.
  return isPlainObject(value) && findKey(value, 'managerId') !== undefined ? [{ op: opName, path, value: manager.value }] : undefined;
}

/** Path-less add/replace whose value sets the manager as a string (flat `…:manager` key, or inside the extension object). */
function pathlessManager(op: Op, opName: string): unknown[] {
  const valueKey = findKey(op, 'value');
  const value = valueKey === undefined ? undefined : op[valueKey];
  if (!isPlainObject(value)) return [op];
  const rest: Record<string, unknown> = { ...value };
  const extra: Op[] = [];
  const flat = Object.keys(rest).find((k) => k.toLowerCase() === MANAGER_PATH);
  if (flat !== undefined && typeof rest[flat] === 'string') {
    extra.push(...(managerOps(rest[flat], opName) ?? []));
    delete rest[flat];
  }
  const extKey = findKey(rest, ENTERPRISE_USER_SCHEMA);
  const ext = extKey === undefined ? undefined : rest[extKey];
  if (extKey !== undefined && isPlainObject(ext)) {
    const mKey = findKey(ext, 'manager');
    if (mKey !== undefined && typeof ext[mKey] === 'string') {
      extra.push(...(managerOps(ext[mKey], opName) ?? []));
      const { [mKey]: _dropped, ...others } = ext;
      if (Object.keys(others).length > 0) rest[extKey] = others;
      else delete rest[extKey];
    }
  }
  if (!extra.length) return [op];
  return Object.keys(rest).length > 0 ? [{ ...op, op: opName, [valueKey as string]: rest }, ...extra] : extra;
}

/** `{"op":"add","path":"members[value eq \"id\"]"}` with no value: an add of those members. */
function membersFilterAdd(op: Op, opName: string, path: string | undefined): Op | undefined {
  if (opName !== 'add' || path === undefined || get(op, 'value') !== undefined) return undefined;
  if (!/^members\s*\[/i.test(path) || !path.endsWith(']')) return undefined;
  const parsed = parseFilter(path, 'Group');
  if (!parsed.ok || parsed.value.kind !== 'valuePath') return undefined;
  const ids = valueEqualities(parsed.value.filter);
  if (!ids?.length) return undefined;
  return { op: 'add', path: 'members', value: ids.map((value) => ({ value })) };
}

function get(op: Op, name: string): unknown {
  const key = findKey(op, name);
  return key === undefined ? undefined : op[key];
}

function str(op: Op, name: string): string | undefined {
  const v = get(op, name);
  return typeof v === 'string' ? v : undefined;
}
