/**
 * Request shapes of OneLogin's "SCIM Provisioner with SAML (SCIM v2 Enterprise)"
 * connector, with our own data. Where each fact comes from (docs/providers.md has
 * the same list):
 * [OL-KB]   OneLogin KB0013904 "Creating SCIM Custom Connectors" (onelogin.service-now.com):
 *           the v2 Enterprise connector; parameters scimusername, external_manager_id
 *           ("Manager ID"), department, title; groups are not part of the user template.
 * [OL-TPL]  v2 Enterprise JSON templates published for the connector (livingsecurity.com
 *           "Configuring SCIM for OneLogin", doc.keepnetlabs.com "Onelogin SCIM Integration"):
 *           enterprise extension with department/organization/division, manager as
 *           {value|managerId, displayName: "{first} {last}"}, "active": "{$user.active}"
 *           (a string), "id": null, "meta": {"resourceType": "User"}.
 * [OL-DEV]  developers.onelogin.com/scim/define-user-schema: OneLogin's own templates use
 *           the SCIM 1.1 URNs, `emails` as a single object and manager.managerId.
 * [OL-AK]   goauthentik/authentik#11249, captured OneLogin v2 Enterprise traffic:
 *           GET /Users?filter=userName eq "…", then PUT /Users/{id} whose schemas are
 *           ["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"];
 *           groups created with POST /Groups; a member add is PATCH /Groups/{id} with a
 *           165-byte body, exactly the size of one RFC `add` on `members` with one
 *           {"value": id} (the body itself was not logged: inferred).
 * [OL-SO]   stackoverflow.com/q/44686570: "Refresh Entitlements" reads GET /Groups; rules
 *           assign users to groups.
 * [QUIRKS]  a third-party quirk catalogue (low confidence, not OneLogin's own words):
 *           explicit nulls for optional fields; `add` with path members[value eq "x"].
 * Unset template parameters render as "" (and "{first} {last}" of nobody as " "): this
 * follows from the templates [OL-TPL]; it is the reason for the OneLogin-only blank rule.
 */
import { PATCH_SCHEMA } from '../okta-bodies';

export const OL_CORE = 'urn:scim:schemas:core:2.0';
export const OL_ENTERPRISE = 'urn:scim:schemas:extension:enterprise:2.0';

export interface OneLoginPerson {
  userName: string;
  first: string;
  last: string;
  email: string;
  active: boolean;
  department?: string;
  title?: string;
  managerId?: string;
  manager?: { first: string; last: string };
}

/** POST /Users as the v2 Enterprise template renders it [OL-TPL]: unset parameters are "". */
export function oneLoginCreate(p: OneLoginPerson) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    id: null,
    meta: { resourceType: 'User' },
    userName: p.userName,
    active: String(p.active),
    name: { familyName: p.last, givenName: p.first, formatted: `${p.first} ${p.last}` },
    emails: [{ value: p.email, type: 'work', primary: true }],
    title: p.title ?? '',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      department: p.department ?? '',
      organization: '',
      manager: { value: p.managerId ?? '', displayName: `${p.manager?.first ?? ''} ${p.manager?.last ?? ''}` },
    },
  };
}

/** PUT /Users/{id} as captured [OL-AK]: the non-RFC URNs (the log is cut before the extension block: its key is assumed to be the same short URN). */
export function oneLoginUpdate(p: OneLoginPerson) {
  return {
    schemas: [OL_CORE, OL_ENTERPRISE],
    userName: p.userName,
    name: { familyName: p.last, givenName: p.first, formatted: `${p.first} ${p.last}` },
    emails: [{ value: p.email, type: 'work', primary: true }],
    active: String(p.active),
    title: p.title ?? '',
    [OL_ENTERPRISE]: {
      department: p.department ?? '',
      manager: { managerId: p.managerId ?? '', displayName: `${p.manager?.first ?? ''} ${p.manager?.last ?? ''}` },
    },
  };
}

/** OneLogin's documented SCIM 1.1-style template pasted into the v2 connector [OL-DEV]. */
export function oneLoginLegacyTemplate(p: OneLoginPerson) {
  return {
    schemas: ['urn:scim:schemas:core:1.0', 'urn:scim:schemas:extension:enterprise:1.0'],
    userName: p.userName,
    name: { familyName: p.last, givenName: p.first, formatted: `${p.first} ${p.last}` },
    emails: { value: p.email, type: 'work', primary: true },
    title: p.title ?? '',
    'urn:scim:schemas:extension:enterprise:1.0': {
      department: p.department ?? '',
      manager: { managerId: p.managerId ?? '', displayName: `${p.manager?.first ?? ''} ${p.manager?.last ?? ''}` },
    },
  };
}

/** A user with explicit nulls for unset optional fields [QUIRKS]. */
export const oneLoginWithNulls = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  nickName: null,
  title: null,
  profileUrl: null,
  name: { givenName: 'Nul', familyName: 'Fields', middleName: null },
});

export const oneLoginLookup = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** POST /Groups [OL-AK]. */
export const oneLoginGroup = (displayName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName });

/** The member add whose size was captured [OL-AK] (165 bytes for a 36-character id). */
export const oneLoginMemberAdd = (userId: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] });

/** Member add with the filter in the path and no value [QUIRKS]. */
export const oneLoginFilterAdd = (userId: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: `members[value eq "${userId}"]` }] });

/** Member remove, RFC form. */
export const oneLoginMemberRemove = (userId: string) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] });
