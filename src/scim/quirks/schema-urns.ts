import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../schema-urns';

/**
 * Non-RFC schema URNs seen in provider traffic, mapped to the RFC 7643 ones. Each
 * has exactly one meaning, so mapping them is safe for every provider:
 * - `urn:scim:schemas:core:2.0` / `urn:scim:schemas:extension:enterprise:2.0`: sent
 *   by OneLogin's "SCIM v2 Enterprise" connector (captured PUT /Users in
 *   goauthentik/authentik#11249);
 * - `urn:scim:schemas:core:1.0` / `urn:scim:schemas:extension:enterprise:1.0`: the
 *   SCIM 1.1 names, in OneLogin's documented JSON templates, which admins paste
 *   into the v2 connector (developers.onelogin.com/scim/define-user-schema).
 */
const CORE_ALIASES = ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:core:1.0'];
const ENTERPRISE_ALIASES = ['urn:scim:schemas:extension:enterprise:2.0', 'urn:scim:schemas:extension:enterprise:1.0'];

export function coreUrn(resourceType: 'User' | 'Group'): string {
  return resourceType === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
}

/** The RFC URN for an alias (case-insensitive), or undefined when `urn` is not an alias. */
export function canonicalUrn(urn: string, resourceType: 'User' | 'Group'): string | undefined {
  const lower = urn.toLowerCase();
  if (CORE_ALIASES.includes(lower)) return coreUrn(resourceType);
  if (resourceType === 'User' && ENTERPRISE_ALIASES.includes(lower)) return ENTERPRISE_USER_SCHEMA;
  return undefined;
}
