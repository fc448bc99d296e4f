/**
 * Request shapes of JumpCloud's SCIM identity-management connectors (the Custom
 * SCIM integration and catalogue connectors built on it), with our own data.
 * Where each fact comes from (docs/providers.md has the same list):
 * [JC-CUSTOM] jumpcloud.com/support/provision-and-manage-users-and-groups-in-apps-using-
 *             custom-scim-identity-management-integration: SCIM 1.1 or 2.0, bearer token,
 *             "no special attribute mapping or extension schemas"; on activation a test
 *             user and a test group are created, then deleted with DELETE (the user is
 *             deactivated instead where DELETE is unsupported).
 * [JC-IDM]    a JumpCloud connector article (jumpcloud.com/wp-json/wp/v2/support/85119):
 *             username → userName, firstname → name.givenName, lastname → name.familyName;
 *             group name → displayName; empty groups are not created; JumpCloud takes over
 *             an existing group whose name matches; renames are pushed; deleted groups are
 *             deleted; members of a disassociated group are deactivated.
 * [JC-UNIMONI] app.uni-moni.com/en/kb/sso-setup-jumpcloud: member changes are PATCH with
 *             `value: [{value: id}]` on path `members`, no RFC filter (Entra style).
 * [BOXY]      boxyhq.com/docs/directory-sync/providers/jumpcloud: SCIM 2.0 is configured on
 *             a SAML application; groups are pushed from its User Groups tab.
 * Not documented, assumed RFC (and tested both ways where it matters): the user lookup
 * filter (userName eq), the group lookup before a takeover (displayName eq), and the
 * deactivation form (PATCH replace active=false, or PUT with active=false).
 */
import { PATCH_SCHEMA } from '../okta-bodies';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

export function jumpCloudUser(userName: string, first: string, last: string, active = true) {
  return {
    schemas: [CORE],
    userName,
    name: { givenName: first, familyName: last },
    emails: [{ value: userName, type: 'work', primary: true }],
    displayName: `${first} ${last}`,
    active,
  };
}

export const jumpCloudUserLookup = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
export const jumpCloudGroupLookup = (name: string) => `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`;

/** POST /Groups: never empty [JC-IDM]. */
export const jumpCloudGroup = (displayName: string, memberIds: string[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName,
  members: memberIds.map((value) => ({ value })),
});

/** Member add/remove, Entra style [JC-UNIMONI]. */
export const jumpCloudMembers = (op: 'add' | 'remove', ids: string[]) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }] });

/** Group rename [JC-IDM]. */
export const jumpCloudRename = (displayName: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: displayName }] });

export const jumpCloudDeactivate = () => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
