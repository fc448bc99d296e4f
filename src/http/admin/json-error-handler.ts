import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError } from './api-error';

/** Admin API errors leave as `{ error: { code, message, requestId } }` with the right status; unknown ones as a bare 500. */
export function jsonErrorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new ApiError(404, 'not_found', `No endpoint ${ctx.method} ${ctx.path.slice(0, 200)}`);
    } catch (error) {
      const requestId = String(ctx.state.requestId ?? '');
      if (error instanceof ApiError) {
        ctx.status = error.status;
        ctx.body = { error: { code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}), requestId } };
        return;
      }
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: { code: status === 413 ? 'payload_too_large' : 'invalid_request', message: status === 413 ? 'Request body too large' : 'Malformed request', requestId } };
        return;
      }
      log.error({ err: error, requestId, route: ctx._matchedRoute }, 'admin api error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: `Internal error (request id ${requestId})`, requestId } };
    }
  };
}
