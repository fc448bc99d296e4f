import { isPlainObject } from '../deep-equal';
import { setOwn } from './json-keys';

/**
 * Drops blank strings ("" or whitespace only) from a POST/PUT body, recursively:
 * a blank attribute is unassigned, a blank element of a multi-valued attribute
 * (`"emails": [{"value": "", "type": "work"}]`) is dropped with its companions,
 * an object left empty is dropped.
 *
 * For OneLogin only (see provider-quirks.ts): its connector renders a JSON
 * template in which every mapped parameter is present, and a parameter with
 * nothing to fill in renders as "" (or " " for "{first} {last}" of a user
 * without a manager). There a blank means "no value". Other providers send the
 * attributes that have values, so a blank they send is data, kept as sent.
 */
export function dropBlankValues(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  return pruneObject(body, true) ?? {};
}

const isBlank = (v: unknown): boolean => typeof v === 'string' && v.trim() === '';

function pruneObject(obj: Record<string, unknown>, top: boolean): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    // `schemas` is protocol, not data: never touched.
    if (top && key.toLowerCase() === 'schemas') {
      setOwn(out, key, value);
      continue;
    }
    const pruned = prune(value);
    if (pruned !== undefined) setOwn(out, key, pruned);
  }
  return Object.keys(out).length > 0 || top ? out : undefined;
}

function prune(value: unknown): unknown {
  if (isBlank(value)) return undefined;
  if (Array.isArray(value)) {
    const kept = value.filter((el) => !isBlank(el) && !(isPlainObject(el) && 'value' in el && isBlank(el['value']))).map(prune).filter((el) => el !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (isPlainObject(value)) return pruneObject(value, false);
  return value;
}
