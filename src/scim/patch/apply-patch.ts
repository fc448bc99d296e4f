import { findExtensionSchema } from '../attribute-definitions';
import { cloneJson, deepEqual, isPlainObject } from '../deep-equal';
import { valueEqualities } from '../filter/evaluate-filter';
import { parseMemberValues } from '../group-document';
import { Result, err, ok } from '../result';
import { badRequest } from '../scim-error';
import { pathFault } from '../redact-scim-path';
import { ScimDoc, withExtensionUrns } from '../user-document';
import { PatchOp, PatchPath, parsePatchPath } from './parse-patch';
import { applyAtPath } from './patch-target';

/** A change to a group's membership, in operation order. */
export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; ids: string[] };

type Rt = 'User' | 'Group';
const IGNORED_IN_VALUE = new Set(['id', 'meta', 'schemas']);

/**
 * Applies PATCH operations to a stored user doc. Atomic: works on a copy and
 * returns an error (nothing applied) if any operation is invalid (RFC 7644
 * §3.5.2). `changed` is false when the result deep-equals the input.
 */
export function applyUserPatch(doc: ScimDoc, ops: PatchOp[]): Result<{ doc: ScimDoc; changed: boolean }> {
  const r = applyAll(doc, ops, 'User');
  return r.ok ? ok({ doc: r.value.doc, changed: r.value.changed }) : r;
}

/**
 * Applies PATCH operations to a stored group doc; membership operations come
 * back as {@link MemberChange}s (members live in their own table). `changed`
 * is about the doc only.
 */
export function applyGroupPatch(
  doc: ScimDoc,
  ops: PatchOp[],
): Result<{ doc: ScimDoc; changed: boolean; memberChanges: MemberChange[] }> {
  return applyAll(doc, ops, 'Group');
}

function applyAll(input: ScimDoc, ops: PatchOp[], rt: Rt): Result<{ doc: ScimDoc; changed: boolean; memberChanges: MemberChange[] }> {
  const doc = cloneJson(input);
  const memberChanges: MemberChange[] = [];
  for (const op of ops) {
    const r = op.path ? applyPath(doc, op.op, op.path, op.value, rt, memberChanges) : applyPathless(doc, op, rt, memberChanges);
    if (!r.ok) return r;
  }
  tidyExtensions(doc);
  return ok({ doc, changed: !deepEqual(input, doc), memberChanges });
}

function applyPath(doc: ScimDoc, op: PatchOp['op'], path: PatchPath, value: unknown, rt: Rt, changes: MemberChange[]): Result<true> {
  const { ref } = path;
  if (ref.common && (ref.attribute === 'id' || ref.attribute === 'meta')) {
    return err(badRequest('mutability', `Attribute '${ref.attribute}' is readOnly`, { attribute: ref.attribute }));
  }
  if (rt === 'Group' && ref.extension === undefined && ref.attribute === 'members') {
    return applyMembers(op, path, value, changes);
  }
  return applyAtPath(doc, op, path, value);
}

/**
 * Path-less add/replace (RFC 7644 §3.5.2.1/§3.5.2.3): each key of the value
 * is applied as if it were the path. `id`, `meta`, `schemas` are ignored:
 * Okta's group rename sends `{"id": ..., "displayName": ...}`, which must
 * neither fail nor touch members. Entra may use paths as keys (`name.givenName`).
 */
function applyPathless(doc: ScimDoc, op: PatchOp, rt: Rt, changes: MemberChange[]): Result<true> {
  if (!isPlainObject(op.value)) return err(badRequest('invalidValue', `A ${op.op} without path needs an object value`));
  for (const [key, v] of Object.entries(op.value)) {
    if (IGNORED_IN_VALUE.has(key.toLowerCase())) continue;
    const ext = findExtensionSchema(rt, key);
    if (ext && isPlainObject(v)) {
      for (const [k2, v2] of Object.entries(v)) {
        const r = applyKey(doc, op.op, `${ext.id}:${k2}`, v2, rt, changes);
        if (!r.ok) return r;
      }
      continue;
    }
    if (!ext && /^urn:/i.test(key) && isPlainObject(v) && isDeclaredUrn(doc, key)) {
      // Unknown extension object: merged verbatim (lossless).
      const prev = doc[key];
      doc[key] = op.op === 'add' && isPlainObject(prev) ? { ...prev, ...v } : { ...(isPlainObject(prev) ? prev : {}), ...v };
      continue;
    }
    const r = applyKey(doc, op.op, key, v, rt, changes);
    if (!r.ok) return r;
  }
  return ok(true);
}

function isDeclaredUrn(doc: ScimDoc, key: string): boolean {
  const schemas = Array.isArray(doc['schemas']) ? doc['schemas'] : [];
  return schemas.some((s) => typeof s === 'string' && s.toLowerCase() === key.toLowerCase()) || key in doc;
}

function applyKey(doc: ScimDoc, op: PatchOp['op'], key: string, v: unknown, rt: Rt, changes: MemberChange[]): Result<true> {
  const path = parsePatchPath(key, rt);
  if (!path.ok) return path;
  return applyPath(doc, op, path.value, v, rt, changes);
}

/** Membership operations (Okta Group Push and Entra shapes, see docs/okta.md §8). */
function applyMembers(op: PatchOp['op'], path: PatchPath, value: unknown, changes: MemberChange[]): Result<true> {
  if (path.ref.subAttribute !== undefined) {
    return err(badRequest('invalidPath', `Path '${path.raw.slice(0, 200)}' is not supported; use members or members[value eq "id"]`, pathFault(path.raw, (p) => `Path '${p}' is not supported; use members or members[value eq "id"]`)));
  }
  if (path.filter) {
    const ids = valueEqualities(path.filter);
    if (!ids) return err(badRequest('invalidFilter', 'Member filters must be value eq "<id>" (optionally joined by or)', pathFault(path.raw, () => 'Member filters must be value eq "<id>" (optionally joined by or)')));
    if (op === 'add') return err(badRequest('invalidPath', 'add to a filtered members path is not supported', { attribute: 'members' }));
    changes.push({ kind: 'remove', ids: [...new Set(ids)] });
    if (op === 'replace') {
      const added = parseMemberValues(value);
      if (!added.ok) return added;
      if (added.value.length > 0) changes.push({ kind: 'add', ids: added.value });
    }
    return ok(true);
  }
  if (op === 'remove' && (value === undefined || value === null)) {
    changes.push({ kind: 'removeAll' });
    return ok(true);
  }
  const ids = parseMemberValues(value);
  if (!ids.ok) return ids;
  if (op === 'replace') changes.push({ kind: 'replace', ids: ids.value });
  else if (ids.value.length > 0) changes.push({ kind: op, ids: ids.value });
  return ok(true);
}

/** Keeps `schemas` in step with extension objects (RFC 7643 §3); drops emptied extensions. */
function tidyExtensions(doc: ScimDoc): void {
  let schemas = Array.isArray(doc['schemas']) ? (doc['schemas'] as unknown[]).filter((s): s is string => typeof s === 'string') : [];
  for (const [k, v] of Object.entries(doc)) {
    if (/^urn:/i.test(k) && isPlainObject(v) && Object.keys(v).length === 0) {
      delete doc[k];
      schemas = schemas.filter((s) => s.toLowerCase() !== k.toLowerCase());
    }
  }
  if (Array.isArray(doc['schemas'])) doc['schemas'] = withExtensionUrns(schemas, doc);
}
