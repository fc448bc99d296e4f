import type { Middleware } from 'koa';
import { arrivedOverHttps, isLoopbackPeer, protectedArea } from '../../ops/https-policy';
import { ScimError } from '../../scim/scim-error';
import { sendScimError } from './scim-response';

const MESSAGE = 'HTTPS is required: this endpoint carries credentials, and plain HTTP is refused. Use the https:// URL.';

/**
 * In production, SCIM, admin API, portal and ops requests that did not arrive
 * over HTTPS are refused (403) before anything reads a credential: Okta only
 * speaks HTTPS, and a bearer token must never cross plain HTTP. Connections
 * from the loopback interface (local tools, health checks, tests) pass.
 * Each area gets its own error shape: SCIM error, admin JSON error, text.
 */
export function requireHttps(enabled: boolean): Middleware {
  return async (ctx, next) => {
    const area = enabled ? protectedArea(ctx.path) : undefined;
    if (!area || arrivedOverHttps(ctx) || isLoopbackPeer(ctx)) return next();
    ctx.status = 403;
    ctx.set('Cache-Control', 'no-store');
    if (area === 'scim') {
      sendScimError(ctx, new ScimError(403, MESSAGE));
    } else if (area === 'api') {
      ctx.body = { error: { code: 'https_required', message: MESSAGE, requestId: String(ctx.state.requestId ?? '') } };
    } else {
      ctx.type = 'text/plain';
      ctx.body = `${MESSAGE}\n`;
    }
  };
}
