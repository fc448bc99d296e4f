import { isUuid } from '../../common/uuid';

/** The endpoints under a directory's SCIM base (RFC 7644 §3.2 and discovery). */
const ENDPOINTS = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', '.search', 'Me']);
/** Discovery ids a client may name: resource type names and schema URNs (no client value looks like these). */
const DISCOVERY_ID = /^(User|Group|urn:ietf:params:scim:[A-Za-z0-9:._-]{1,180})$/;

/**
 * The path a rejected request is recorded under: relative to the directory's SCIM
 * base, with ids only. A segment that is neither a known endpoint, a UUID nor a
 * discovery id becomes `{id}` or `{other}`: a client can put anything in a path
 * (a userName, `/Users/alice@example.com`), and the record never keeps a value.
 * The query string is never part of it (a filter holds values).
 */
export function rejectionPath(requestPath: string, directoryId: string): string {
  const base = `/scim/v2/${directoryId}`;
  const rest = requestPath.startsWith(base) ? requestPath.slice(base.length) : '';
  const segments = rest.split('/').slice(1);
  if (!segments.length || segments[0] === '') return '/';
  const out = segments.slice(0, 4).map((segment, i) => {
    if (i === 0) return ENDPOINTS.has(segment) ? segment : '{other}';
    if (isUuid(segment)) return segment.toLowerCase();
    if (i === 1 && (segments[0] === 'ResourceTypes' || segments[0] === 'Schemas') && DISCOVERY_ID.test(segment)) return segment;
    return i === 1 ? '{id}' : '{other}';
  });
  return `/${out.join('/')}${segments.length > 4 ? '/…' : ''}`;
}
