/** Real Okta / Entra ID payload shapes (docs/okta.md), with our own data. */
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const oktaCreateUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'jane+x@example.com',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [{ primary: true, value: 'jane+x@example.com', type: 'work' }],
  displayName: 'Jane Doe',
  locale: 'en-US',
  externalId: '00u1abcdEFGH',
  groups: [],
  password: '1mz050nq',
  active: true,
};

export const oktaPutUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11',
  userName: 'jane+x@example.com',
  name: { givenName: 'Janet', familyName: 'Doe' },
  emails: [{ primary: true, value: 'jane+x@example.com', type: 'work' }],
  displayName: 'Janet Doe',
  locale: 'en-US',
  externalId: '00u1abcdEFGH',
  groups: [],
  active: true,
  meta: { resourceType: 'User', created: '04-12-2018 00:00:00', lastModified: '04-12-2018 00:00:00' },
};

export const entraCreateUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  externalId: 'entra-42',
  userName: 'Bob@Contoso.com',
  active: 'False',
  displayName: 'Bob',
  emails: [{ primary: 'True', type: 'work', value: 'bob@contoso.com' }],
  name: { formatted: 'Bob B', familyName: 'B', givenName: 'Bob' },
  [ENT]: { employeeNumber: '701984', department: 'R&D', manager: { value: 'mgr-1' } },
};

export const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });
