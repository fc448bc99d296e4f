import { ScimError } from '../scim/scim-error';

/**
 * The unique index on (directory_id, lower(display_name)) of `groups`
 * (migrations/20261129000100_group_name_unique.ts). A duplicate create or a rename
 * onto a taken name fails on it inside the write transaction; the index, not a
 * read-then-write check, is what makes concurrent creates safe.
 */
export const GROUP_NAME_INDEX = 'groups_directory_display_name_uq';

/** RFC 7644 §3.3: 409 with scimType `uniqueness` (what Entra's validator expects for a duplicate group). */
export function duplicateGroupName(): ScimError {
  return new ScimError(409, 'A group with this displayName already exists in this directory', 'uniqueness', { attribute: 'displayName' });
}
