import { secretMatches } from '../../common/secret-match';
import type { Middleware } from 'koa';
import { ApiError } from './api-error';


/** `Authorization: Bearer <ADMIN_API_KEY>` for the app-owner API. */
export function adminAuth(adminApiKey: string | undefined): Middleware {
  return async (ctx, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
    if (!adminApiKey) throw new ApiError(503, 'admin_api_disabled', 'The admin API is disabled: set ADMIN_API_KEY');
    if (!match?.[1] || !secretMatches(match[1], adminApiKey)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="dirsync admin"');
      throw new ApiError(401, 'unauthorized', 'A valid admin API key is required (Authorization: Bearer <ADMIN_API_KEY>)');
    }
    await next();
  };
}
