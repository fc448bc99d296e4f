import { isPlainObject } from '../deep-equal';

/** SCIM attribute names and URNs are case-insensitive (RFC 7643 §2.1): the key as sent, if any. */
export function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getKey(obj: Record<string, unknown>, name: string): unknown {
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

export const asObject = (v: unknown): Record<string, unknown> | undefined => (isPlainObject(v) ? v : undefined);

/**
 * Sets an own property. `obj[key] = v` with key "__proto__" (a valid JSON key) would
 * replace the object's prototype instead of keeping the key as data.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
