import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  USER_SCHEMA_DEFINITION,
} from './attribute-definitions';
import { normaliseAttributes } from './attribute-value';
import { isPlainObject } from './deep-equal';
import { Result, err, ok } from './result';
import { badRequest } from './scim-error';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './schema-urns';

/**
 * A stored SCIM resource: the whole resource except `id`, `meta`, `password`
 * and the relationship attribute (`groups` / `members`), with canonical keys.
 */
export type ScimDoc = Record<string, unknown>;

/** Columns of the `users` table that filters and uniqueness use. */
export interface UserColumns {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  primaryEmail: string | null;
}

/** Keys a client may send but which the server owns or never stores. */
const SERVER_OWNED = new Set(['id', 'meta', 'groups', 'schemas', 'password']);

/**
 * Validates a `schemas` array and returns it canonicalised (known URNs in
 * canonical case, deduplicated). RFC 7643 §3: `schemas` is REQUIRED and must
 * name the core schema of the resource.
 */
export function parseSchemas(raw: unknown, coreUrn: string, known: readonly string[]): Result<string[]> {
  if (!Array.isArray(raw) || !raw.every((s): s is string => typeof s === 'string')) {
    return err(badRequest('invalidSyntax', `'schemas' must be an array of URNs containing '${coreUrn}'`, { attribute: 'schemas' }));
  }
  const out: string[] = [];
  for (const s of raw) {
    const canon = known.find((k) => k.toLowerCase() === s.toLowerCase()) ?? s;
    if (!out.includes(canon)) out.push(canon);
  }
  if (!out.includes(coreUrn)) {
    return err(badRequest('invalidSyntax', `'schemas' must contain '${coreUrn}'`, { attribute: 'schemas' }));
  }
  return ok(out);
}

/**
 * Parses the body of `POST /Users` or `PUT /Users/{id}` into a stored doc.
 * Okta's PUT echoes `id` and a `meta` with non-ISO dates: both are ignored
 * (RFC 7644 §3.5.1: readOnly values are ignored). `password` is never stored;
 * `hadPassword` tells the caller one was sent (Okta always sends a placeholder).
 */
export function parseUserInput(body: unknown): Result<{ doc: ScimDoc; hadPassword: boolean }> {
  if (!isPlainObject(body)) return err(badRequest('invalidSyntax', 'Request body must be a JSON object'));
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = parseSchemas(schemasKey ? body[schemasKey] : undefined, USER_SCHEMA, [
    USER_SCHEMA,
    ENTERPRISE_USER_SCHEMA,
  ]);
  if (!schemas.ok) return schemas;

  let hadPassword = false;
  const core: Record<string, unknown> = {};
  const doc: ScimDoc = {};
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'password') {
      hadPassword = value !== null && value !== undefined;
      continue;
    }
    if (SERVER_OWNED.has(lower)) continue;
    if (lower === ENTERPRISE_USER_SCHEMA.toLowerCase()) {
      if (value === null) continue;
      if (!isPlainObject(value)) return err(badRequest('invalidValue', `Attribute '${ENTERPRISE_USER_SCHEMA}' must be an object`, { attribute: ENTERPRISE_USER_SCHEMA }));
      const ext = normaliseAttributes(value, ENTERPRISE_USER_SCHEMA_DEFINITION.attributes, `${ENTERPRISE_USER_SCHEMA}:`);
      if (!ext.ok) return ext;
      doc[ENTERPRISE_USER_SCHEMA] = ext.value;
      continue;
    }
    if (lower.startsWith('urn:')) {
      // Unknown extension: kept verbatim under its URN (lossless round trip).
      doc[key] = value;
      continue;
    }
    core[key] = value;
  }
  const normalised = normaliseAttributes(core, [...COMMON_ATTRIBUTES, ...USER_SCHEMA_DEFINITION.attributes]);
  if (!normalised.ok) return normalised;
  Object.assign(doc, normalised.value);

  const userName = doc['userName'];
  if (typeof userName !== 'string' || userName.trim() === '') {
    return err(badRequest('invalidValue', "Attribute 'userName' is required and must be a non-empty string", { attribute: 'userName' }));
  }
  if (doc['active'] === undefined) doc['active'] = true;
  if (doc['externalId'] !== undefined && typeof doc['externalId'] !== 'string') {
    return err(badRequest('invalidValue', "Attribute 'externalId' must be a string", { attribute: 'externalId' }));
  }
  doc['schemas'] = withExtensionUrns(schemas.value, doc);
  return ok({ doc, hadPassword });
}

/**
 * RFC 7643 §3 requires every extension used to be listed in `schemas`; some
 * clients forget, so we add the URN of each extension object present.
 */
export function withExtensionUrns(schemas: string[], doc: ScimDoc): string[] {
  const out = [...schemas];
  for (const [k, v] of Object.entries(doc)) {
    if (k.toLowerCase().startsWith('urn:') && isPlainObject(v) && !out.some((s) => s.toLowerCase() === k.toLowerCase())) {
      out.push(k);
    }
  }
  return out;
}

/**
 * Every field dirsync takes from a SCIM User, by ONE rule each: the directory's columns
 * (`userColumns`), the app user model and every sink read users through this function,
 * so a field can never mean two things in two places.
 */
export interface UserFields extends UserColumns {
  givenName: string | null;
  familyName: string | null;
  /** The main phone number, by the same rule as the primary email ({@link primaryValueOf}). */
  primaryPhone: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The fields of a SCIM User document (see {@link UserFields}). */
export function userFields(doc: Record<string, unknown>): UserFields {
  const name = isPlainObject(doc['name']) ? doc['name'] : {};
  return {
    userName: str(doc['userName']) ?? '',
    externalId: str(doc['externalId']),
    displayName: str(doc['displayName']),
    // RFC 7643 §4.1.1: active defaults to true; only an explicit false deactivates.
    active: doc['active'] !== false,
    primaryEmail: primaryValueOf(doc['emails']),
    givenName: str(name['givenName']),
    familyName: str(name['familyName']),
    primaryPhone: primaryValueOf(doc['phoneNumbers']),
  };
}

/** The indexed columns of a stored user doc (a subset of {@link userFields}). */
export function userColumns(doc: ScimDoc): UserColumns {
  const f = userFields(doc);
  return { userName: f.userName, externalId: f.externalId, displayName: f.displayName, active: f.active, primaryEmail: f.primaryEmail };
}

/**
 * The one rule for a multi-valued attribute's main value (emails, phoneNumbers), used by
 * the directory's columns and by every sink: the entry with `primary: true` and a value;
 * else the first `work` entry with a value; else the first entry with a value
 * (RFC 7643 §2.4 makes `primary` the preferred one; Okta and Entra mark it, others rely on order).
 */
export function primaryValueOf(entries: unknown): string | null {
  const chosen = primaryEntryOf(entries, (e) => typeof e['value'] === 'string' && e['value'] !== '');
  return chosen ? (chosen['value'] as string) : null;
}

/**
 * The entry {@link primaryValueOf} chooses, among the entries `hasValue` accepts (the
 * attribute mapping uses it for other sub-attributes: `addresses.locality` is the
 * primary address's locality).
 */
export function primaryEntryOf(entries: unknown, hasValue: (entry: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  if (!Array.isArray(entries)) return undefined;
  const withValue = entries.filter(isPlainObject).filter(hasValue);
  return (
    withValue.find((e) => e['primary'] === true) ??
    withValue.find((e) => typeof e['type'] === 'string' && e['type'].toLowerCase() === 'work') ??
    withValue[0]
  );
}
