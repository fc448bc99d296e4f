import type { Middleware } from 'koa';
import { secretMatches } from '../../common/secret-match';

/** The password of `Authorization: Basic …` (any user name), or undefined. */
export function basicPassword(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * HTTP Basic auth for the ops surfaces (Bull Board, /metrics): any user name,
 * the password is ADMIN_API_KEY, compared in constant time. Without a key
 * configured the surfaces stay closed (401), never open.
 */
export function opsBasicAuth(adminApiKey: string | undefined, realm = 'dirsync ops'): Middleware {
  return async (ctx, next) => {
    const password = basicPassword(ctx.get('authorization'));
    if (password === undefined || !secretMatches(password, adminApiKey)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
      ctx.type = 'text/plain';
      ctx.body = adminApiKey ? 'Authentication required (user: any, password: ADMIN_API_KEY)\n' : 'Disabled: set ADMIN_API_KEY to use the ops endpoints\n';
      return;
    }
    await next();
  };
}
