/** Okta's request shapes (docs/okta.md), with bench data. */
import { oktaUser } from '../test/support/okta-bodies';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Okta's create body (docs/okta.md §3): the same shape the tests send (test/support/okta-bodies.ts). */
export function oktaCreateBody(userName: string, given = 'Bench', family = 'User'): Record<string, unknown> {
  return oktaUser(userName, given, family);
}

/** The assign lookup exactly as Okta encodes it (docs/okta.md §2). */
export function oktaLookupPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;
}

export const deactivateBody = (active: boolean) => ({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', value: { active } }] });

export const addMembersBody = (groupId: string, displayName: string, members: { value: string; display?: string }[]) => ({
  schemas: [PATCH_SCHEMA],
  Operations: [
    { op: 'replace', value: { id: groupId, displayName } },
    { op: 'add', path: 'members', value: members },
  ],
});

/** Okta removes each member with its own filtered op, several in one PatchOp (docs/okta.md §8). */
export const removeMembersBody = (groupId: string, displayName: string, userIds: string[]) => ({
  schemas: [PATCH_SCHEMA],
  Operations: [{ op: 'replace', value: { id: groupId, displayName } }, ...userIds.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }))],
});

/** The import step: lookup (a miss), then create; returns the created id (or undefined). */
export async function importUser(
  client: { request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> },
  userName: string,
): Promise<{ id: string | undefined; createdAt: number }> {
  await client.request('GET', oktaLookupPath(userName));
  const res = await client.request('POST', '/Users', oktaCreateBody(userName));
  const createdAt = Date.now();
  if (res.status !== 201) return { id: undefined, createdAt };
  const id = (JSON.parse(res.text) as { id?: unknown }).id;
  return { id: typeof id === 'string' ? id : undefined, createdAt };
}
