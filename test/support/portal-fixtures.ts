// Rows the portal page renderers take, for the unit tests of src/http/portal/pages/*. Names carry
// markup on purpose: every page must show them escaped.
import type { Directory, DirectoryToken } from '../../src/store/directory-store';
import type { DirectoryHealth } from '../../src/store/portal-read-store';

export const HOSTILE = '<script>alert("x")</script>';
export const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

export const frame = { organizationName: 'Acme & Co', csrfToken: 'csrf-token-1' };

export function directory(over: Partial<Directory> = {}): Directory {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    organizationId: '99999999-2222-4333-8444-555555555555',
    provider: 'okta',
    name: `Okta ${HOSTILE}`,
    status: 'active',
    createdAt: new Date('2024-03-01T10:00:00Z'),
    updatedAt: new Date('2024-03-01T10:00:00Z'),
    ...over,
  };
}

export function health(over: Partial<DirectoryHealth> = {}): DirectoryHealth {
  return { lastRequestAt: null, lastError: null, userCount: 1234, groupCount: 5, ...over };
}

export function token(over: Partial<DirectoryToken> = {}): DirectoryToken {
  return { id: 't1', prefix: 'dsk_abcdef', createdAt: new Date('2024-03-01T10:00:00Z'), lastUsedAt: null, expiresAt: null, revokedAt: null, ...over };
}
