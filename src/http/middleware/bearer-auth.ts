import type { Middleware } from 'koa';
import type { DirectoryStore } from '../../store/directory-store';
import { ScimError } from '../../scim/scim-error';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/i;
const TOUCH_EVERY_MS = 60_000;

/**
 * Authenticates `Authorization: Bearer <token>` for the directory in the path
 * (G6). Unknown, disabled and other-tenant directories get the very same 401.
 * The principal lives on `ctx.state` (per request), never on a shared object.
 */
export function bearerAuth(directories: DirectoryStore): Middleware {
  const lastTouched = new Map<string, number>();
  return async (ctx, next) => {
    const match = BEARER.exec(ctx.get('authorization'));
    const directoryId = String(ctx.params?.['directoryId'] ?? '');
    const principal = match?.[1] ? await directories.authenticate(directoryId, match[1]) : undefined;
    if (!principal) {
      ctx.set('WWW-Authenticate', 'Bearer realm="dirsync SCIM"');
      throw new ScimError(401, 'Authentication failed: a valid bearer token for this directory is required');
    }
    ctx.state.principal = principal;
    const now = Date.now();
    if (now - (lastTouched.get(principal.tokenId) ?? 0) > TOUCH_EVERY_MS) {
      lastTouched.set(principal.tokenId, now);
      if (lastTouched.size > 10_000) lastTouched.clear();
      // Best effort bookkeeping for the portal's "last request"; never fails the request.
      directories.touchToken(principal.tokenId).catch(() => undefined);
    }
    await next();
  };
}
