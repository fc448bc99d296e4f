import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One line per request: method, matched route (ids as parameters, no query string: filters hold user data), status, time. */
export function accessLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const principal = ctx.state.principal as { directoryId?: string } | undefined;
      log.info(
        { requestId: ctx.state.requestId, method: ctx.method, route: ctx._matchedRoute ?? ctx.path.split('?')[0]?.slice(0, 200), status: ctx.status, ms: Math.round(ms * 10) / 10, directoryId: principal?.directoryId },
        'request',
      );
    }
  };
}
