/** Request bodies exactly as Okta and Entra send them (docs/okta.md), with our own data. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function oktaUser(userName: string, given = 'Jane', family = 'Doe') {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    // Okta ids are 20 characters; the tail of the hex keeps them distinct for names sharing a prefix.
    externalId: `00u${Buffer.from(userName).toString('hex').slice(-17)}`,
    groups: [],
    password: 'xK9!placeholder-Okta',
    active: true,
  };
}

export const oktaGroup = (displayName: string, memberIds: string[] = []) => ({
  schemas: [GROUP_SCHEMA],
  displayName,
  members: memberIds.map((value) => ({ value, display: value })),
});

export const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

export const lookupPath = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

/** The headers Okta's SCIM client sends (docs/okta.md): writes, DELETE included, carry the SCIM Content-Type. */
export function oktaHeaders(token: string, method: string): Record<string, string> {
  return {
    Accept: 'application/scim+json',
    'User-Agent': 'Okta SCIM Client 1.0.0',
    Authorization: `Bearer ${token}`,
    ...(method === 'GET' ? {} : { 'Content-Type': 'application/scim+json; charset=utf-8' }),
  };
}
