import { COMMON_ATTRIBUTES, GROUP_SCHEMA_DEFINITION } from './attribute-definitions';
import { normaliseAttributes } from './attribute-value';
import { isPlainObject } from './deep-equal';
import { Result, err, ok } from './result';
import { badRequest } from './scim-error';
import { GROUP_SCHEMA } from './schema-urns';
import { ScimDoc, parseSchemas, withExtensionUrns } from './user-document';

/** Columns of the `groups` table that filters use. */
export interface GroupColumns {
  displayName: string;
  externalId: string | null;
}

/**
 * Extracts member ids from a `members` value: an array of `{ value }`
 * objects (RFC 7643 §4.2). `display`/`type`/`$ref` are not stored: members
 * live in the group_members table. Duplicates collapse (Okta re-sends).
 */
export function parseMemberValues(raw: unknown, label = 'members'): Result<string[]> {
  if (raw === null || raw === undefined) return ok([]);
  const list = Array.isArray(raw) ? raw : [raw];
  const ids: string[] = [];
  for (const m of list) {
    if (!isPlainObject(m)) return err(badRequest('invalidValue', `Each of '${label}' must be an object with a 'value'`, { attribute: label }));
    const key = Object.keys(m).find((k) => k.toLowerCase() === 'value');
    const v = key === undefined ? undefined : m[key];
    if (typeof v !== 'string' || v === '') {
      return err(badRequest('invalidValue', `'${label}[].value' must be a non-empty string`, { attribute: `${label}.value` }));
    }
    if (!ids.includes(v)) ids.push(v);
  }
  return ok(ids);
}

/** Parses the body of `POST /Groups` or `PUT /Groups/{id}`. */
export function parseGroupInput(body: unknown): Result<{ doc: ScimDoc; memberIds: string[] }> {
  if (!isPlainObject(body)) return err(badRequest('invalidSyntax', 'Request body must be a JSON object'));
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = parseSchemas(schemasKey ? body[schemasKey] : undefined, GROUP_SCHEMA, [GROUP_SCHEMA]);
  if (!schemas.ok) return schemas;

  let memberIds: string[] = [];
  const core: Record<string, unknown> = {};
  const doc: ScimDoc = {};
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'id' || lower === 'meta' || lower === 'schemas') continue;
    if (lower === 'members') {
      const m = parseMemberValues(value);
      if (!m.ok) return m;
      memberIds = m.value;
      continue;
    }
    if (lower.startsWith('urn:')) doc[key] = value;
    else core[key] = value;
  }
  const normalised = normaliseAttributes(core, [...COMMON_ATTRIBUTES, ...GROUP_SCHEMA_DEFINITION.attributes]);
  if (!normalised.ok) return normalised;
  Object.assign(doc, normalised.value);
  const displayName = doc['displayName'];
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    return err(badRequest('invalidValue', "Attribute 'displayName' is required and must be a non-empty string", { attribute: 'displayName' }));
  }
  if (doc['externalId'] !== undefined && typeof doc['externalId'] !== 'string') {
    return err(badRequest('invalidValue', "Attribute 'externalId' must be a string", { attribute: 'externalId' }));
  }
  doc['schemas'] = withExtensionUrns(schemas.value, doc);
  return ok({ doc, memberIds });
}

/** Extracts the indexed columns of a stored group doc. */
export function groupColumns(doc: ScimDoc): GroupColumns {
  return {
    displayName: typeof doc['displayName'] === 'string' ? doc['displayName'] : '',
    externalId: typeof doc['externalId'] === 'string' ? doc['externalId'] : null,
  };
}
