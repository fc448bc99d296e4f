import { USER_SCHEMA_DEFINITION } from '../attribute-definitions';
import { isPlainObject } from '../deep-equal';
import { ENTERPRISE_USER_SCHEMA } from '../schema-urns';
import { findKey, setOwn } from './json-keys';
import { normaliseManager } from './manager-value';
import { canonicalUrn, coreUrn } from './schema-urns';

const MULTI_VALUED = new Set(USER_SCHEMA_DEFINITION.attributes.filter((a) => a.multiValued).map((a) => a.name.toLowerCase()));

/**
 * Lenient forms of a POST/PUT body that are safe for every provider: the
 * resource type is known from the endpoint, so none of them is ambiguous.
 * - `schemas` missing (seen from Entra and in OneLogin templates without it): the
 *   endpoint's core schema is assumed. A `schemas` naming another resource type
 *   still fails validation.
 * - Non-RFC schema URNs, in `schemas` and as extension keys, mapped (./schema-urns.ts).
 * - A single object where a multi-valued attribute expects an array (`"emails": {…}`
 *   in OneLogin's documented templates) is wrapped, as PATCH values already are.
 * - The enterprise `manager` as a string id, `managerId`, or blank (./manager-value.ts).
 */
export function normaliseResourceBody(body: unknown, resourceType: 'User' | 'Group'): unknown {
  if (!isPlainObject(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = key.toLowerCase().startsWith('urn:') ? canonicalUrn(key, resourceType) : undefined;
    setOwn(out, canonical ?? key, value);
  }
  const schemasKey = findKey(out, 'schemas');
  const schemas = schemasKey === undefined ? undefined : out[schemasKey];
  if (schemas === undefined || schemas === null) {
    if (schemasKey !== undefined) delete out[schemasKey];
    out['schemas'] = [coreUrn(resourceType)];
  } else if (Array.isArray(schemas)) {
    out[schemasKey as string] = schemas.map((s) => (typeof s === 'string' ? (canonicalUrn(s, resourceType) ?? s) : s));
  }
  if (resourceType === 'User') {
    for (const [key, value] of Object.entries(out)) {
      if (MULTI_VALUED.has(key.toLowerCase()) && isPlainObject(value)) out[key] = [value];
    }
    const extKey = findKey(out, ENTERPRISE_USER_SCHEMA);
    const ext = extKey === undefined ? undefined : out[extKey];
    if (extKey !== undefined && isPlainObject(ext)) out[extKey] = withManagerNormalised(ext);
  }
  return out;
}

function withManagerNormalised(ext: Record<string, unknown>): Record<string, unknown> {
  const key = findKey(ext, 'manager');
  if (key === undefined) return ext;
  const manager = normaliseManager(ext[key]);
  if (manager.kind === 'keep') return ext;
  const out = { ...ext };
  if (manager.kind === 'clear') delete out[key];
  else out[key] = manager.value;
  return out;
}
