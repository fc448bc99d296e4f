import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { ApiError } from './api-error';

const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();

/** Constant-time check of a presented secret against the configured one (digests have equal length). */
export function secretMatches(presented: string, expected: string | undefined): boolean {
  if (!expected) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

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
