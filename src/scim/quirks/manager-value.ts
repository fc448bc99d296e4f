import { isPlainObject } from '../deep-equal';
import { findKey } from './json-keys';

/** What a client-sent `manager` means once normalised: set it to this object, clear it, or leave the value alone. */
export type ManagerValue = { kind: 'set'; value: Record<string, unknown> } | { kind: 'clear' } | { kind: 'keep' };

/**
 * The enterprise `manager` (RFC 7643 §4.3) is a complex attribute whose `value` is
 * the manager's id. Clients send other shapes, all unambiguous:
 * - a plain string id (Entra ID's update-manager requests and its SCIM Validator);
 *   an empty string (Entra's "clear the manager") means no manager;
 * - `{ "managerId": "…" }`, the SCIM 1.1 name (OneLogin's documented enterprise template);
 * - `{ "value": "" }`, or an object of blanks only: no manager (a templated mapping with nothing to fill in).
 *   An object without `value` but with other data (e.g. only a displayName) is kept as sent.
 * Anything else is left for the schema validation to accept or reject.
 */
export function normaliseManager(raw: unknown): ManagerValue {
  if (raw === null) return { kind: 'clear' };
  if (typeof raw === 'string') return raw.trim() === '' ? { kind: 'clear' } : { kind: 'set', value: { value: raw } };
  if (!isPlainObject(raw)) return { kind: 'keep' };
  const out: Record<string, unknown> = { ...raw };
  const legacy = findKey(out, 'managerId');
  const valueKey = findKey(out, 'value');
  if (legacy !== undefined) {
    const id = out[legacy];
    delete out[legacy];
    if (valueKey === undefined && typeof id === 'string') out['value'] = id;
  }
  const idKey = findKey(out, 'value');
  if (idKey !== undefined ? isBlank(out[idKey]) : Object.values(out).every(isBlank)) return { kind: 'clear' };
  return { kind: 'set', value: out };
}

const isBlank = (v: unknown): boolean => v === null || (typeof v === 'string' && v.trim() === '');
