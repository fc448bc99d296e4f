import type { Middleware } from 'koa';
import { arrivedOverHttps } from '../../ops/https-policy';

/**
 * Strict-Transport-Security on portal pages answered over HTTPS (RFC 6797 §7.2:
 * never over plain HTTP). Browsers then refuse to send the portal session
 * cookie over HTTP. No includeSubDomains: the app does not own its siblings.
 */
export function hsts(maxAgeSeconds: number): Middleware {
  return async (ctx, next) => {
    await next();
    if (maxAgeSeconds > 0 && (ctx.path === '/portal' || ctx.path.startsWith('/portal/')) && arrivedOverHttps(ctx)) {
      ctx.set('Strict-Transport-Security', `max-age=${maxAgeSeconds}`);
    }
  };
}
