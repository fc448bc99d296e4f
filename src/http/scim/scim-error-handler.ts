import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ScimError } from '../../scim/scim-error';
import { ReplyTimeoutError } from '../../queue/scim-dispatcher';
import { sendScimError } from '../shared/scim-response';
import { isTransientDbError } from '../../store/pg-errors';
import { noteErrorFault } from './record-scim-outcome';

/**
 * Every error under /scim leaves as a SCIM error body (RFC 7644 §3.12). Unknown
 * errors become a 500 that names the request id and nothing internal. A lost or
 * refused PostgreSQL connection (restart, failover) is a 503 with Retry-After, so
 * Okta retries instead of failing the task (found by `npm run chaos`).
 */
export function scimErrorHandler(log: Logger, retryAfterSeconds = 5): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new ScimError(404, `No SCIM endpoint at ${ctx.method} ${ctx.path.slice(0, 200)}`, undefined, { detail: 'No SCIM endpoint at this path' });
      if (ctx.status === 405 && !(ctx.body && typeof ctx.body === 'object')) throw new ScimError(405, `Method ${ctx.method} is not allowed here`);
    } catch (error) {
      if (error instanceof ReplyTimeoutError) ctx.set('Retry-After', String(error.retryAfterSeconds));
      if (error instanceof ScimError) {
        noteErrorFault(ctx, error);
        sendScimError(ctx, error);
        return;
      }
      if (isTransientDbError(error)) {
        log.warn({ err: { message: error instanceof Error ? error.message.slice(-200) : 'unknown' }, requestId: ctx.state.requestId }, 'database unavailable; answered 503');
        ctx.set('Retry-After', String(retryAfterSeconds));
        sendScimError(ctx, new ScimError(503, 'The directory store is temporarily unavailable; retry the request.'));
        return;
      }
      const status = httpStatusOf(error);
      if (status && status < 500) {
        const scimError = new ScimError(status, status === 413 ? 'Request body too large' : 'Bad request', status === 400 ? 'invalidSyntax' : undefined);
        noteErrorFault(ctx, scimError);
        sendScimError(ctx, scimError);
        return;
      }
      log.error({ err: error, requestId: ctx.state.requestId, method: ctx.method, route: ctx._matchedRoute }, 'unhandled error');
      sendScimError(ctx, new ScimError(500, `Internal error (request id ${String(ctx.state.requestId)})`));
    }
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null) {
    const s = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof s === 'number' && s >= 400 && s < 600) return s;
  }
  return undefined;
}
