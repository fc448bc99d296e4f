import type { Middleware } from 'koa';
import type { Context } from 'koa';
import type { DirectoryPrincipal, DirectoryStore } from '../../store/directory-store';
import type { PrincipalCache } from '../../directory/principal-cache';
import { ScimError } from '../../scim/scim-error';

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{1,512})\s*$/i;

/** The bearer token of a request, if it has a well-formed one. */
export function bearerToken(ctx: Context): string | undefined {
  return BEARER.exec(ctx.get('authorization'))?.[1];
}

/** Who may authenticate: the per-process cache in web processes, PostgreSQL directly elsewhere. */
export type Authenticator = Pick<PrincipalCache, 'authenticate'> | Pick<DirectoryStore, 'authenticate'>;
const TOUCH_EVERY_MS = 60_000;

/**
 * Authenticates `Authorization: Bearer <token>` for the directory in the path
 * (G6). Unknown, disabled and other-tenant directories get the very same 401.
 * The principal lives on `ctx.state` (per request), never on a shared object.
 */
export function bearerAuth(directories: DirectoryStore, principals?: Authenticator): Middleware {
  const auth: Authenticator = principals ?? directories;
  const lastTouched = new Map<string, number>();
  return async (ctx, next) => {
    const token = bearerToken(ctx);
    const directoryId = String(ctx.params?.['directoryId'] ?? '');
    // The failed-auth limiter may already have checked this token against the cache (rate-limit.ts).
    const checked = ctx.state.principal as DirectoryPrincipal | undefined;
    const principal: DirectoryPrincipal | undefined = checked?.directoryId === directoryId ? checked : token ? await auth.authenticate(directoryId, token) : undefined;
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
