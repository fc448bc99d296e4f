/**
 * Ids in URLs, cursors and SCIM member lists are checked before they reach PostgreSQL,
 * so a malformed id is a 404/400 and never a uuid cast error from the database.
 */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the textual form of a uuid (any version), case-insensitively. */
export const isUuid = (v: string): boolean => UUID_RE.test(v);
