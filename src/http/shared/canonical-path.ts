import type { Middleware } from 'koa';
import { ERROR_SCHEMA } from '../../scim/scim-error';

/**
 * The fixed prefixes of the guarded areas, exactly as the routers and the ops
 * middleware match them. A request whose path is any other spelling of one of
 * them is refused here, so no later guard can be skipped by spelling.
 */
export const GUARDED_PREFIXES = ['/api/v1', '/scim/v2', '/portal', '/ops/queues', '/ops', '/metrics'] as const;

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Why the raw request path is not canonical, or undefined when it is. */
export function nonCanonicalReason(path: string): string | undefined {
  if (!path.startsWith('/')) return 'not an absolute path';
  if (path.length > 1 && path.endsWith('/')) return 'trailing slash';
  if (path.includes('//')) return 'empty segment';
  if (path.includes('\\')) return 'backslash';
  const segments = path.split('/').slice(1);
  for (const segment of segments) {
    const escapes = segment.match(/%.{0,2}/g) ?? [];
    for (const escape of escapes) {
      if (!/^%[0-9A-Fa-f]{2}$/.test(escape)) return 'malformed percent-encoding';
      const code = Number.parseInt(escape.slice(1), 16);
      const char = String.fromCharCode(code);
      // RFC 3986 §6.2.2.2: an encoded unreserved character is just another spelling of it; an encoded
      // separator or control character has no meaning in any of our routes.
      if (UNRESERVED.test(char)) return 'percent-encoded unreserved character';
      if (char === '/' || char === '\\' || code < 0x20 || code === 0x7f) return 'percent-encoded separator or control character';
    }
    if (segment === '.' || segment === '..') return 'dot segment';
  }
  const lower = path.toLowerCase();
  for (const prefix of GUARDED_PREFIXES) {
    const lowerPrefix = prefix.toLowerCase();
    const spellsPrefix = lower === lowerPrefix || lower.startsWith(`${lowerPrefix}/`);
    if (spellsPrefix && !path.startsWith(prefix)) return 'case variant of a guarded prefix';
    // `/API` alone, or `/Scim/anything`: the first segment already names a guarded area in another case.
    const first = prefix.split('/')[1] ?? '';
    const pathFirst = segments[0] ?? '';
    if (pathFirst !== first && pathFirst.toLowerCase() === first) return 'case variant of a guarded prefix';
  }
  return undefined;
}

/**
 * Mounted before every other routing, guard and ops middleware: a path that is
 * not in canonical form (case variant of a guarded prefix, trailing slash, `//`,
 * `.`/`..` segments, encoded unreserved characters, encoded separators) is a 404.
 * Everything after this sees exactly the path the routers match.
 */
/** `portalNotFoundPage` renders the portal's own 404 page (the portal surface owns its HTML). */
export function canonicalPath(portalNotFoundPage: () => string): Middleware {
  return async (ctx, next) => {
    const reason = nonCanonicalReason(ctx.path);
    if (reason === undefined) return next();
    ctx.status = 404;
    ctx.set('Cache-Control', 'no-store');
    const lower = ctx.path.toLowerCase();
    if (lower.startsWith('/portal')) {
      ctx.type = 'html';
      ctx.body = portalNotFoundPage();
      return;
    }
    if (lower.startsWith('/scim')) {
      ctx.type = 'application/scim+json';
      ctx.body = { schemas: [ERROR_SCHEMA], status: '404', detail: 'No such SCIM endpoint (paths are case-sensitive and must be canonical)' };
      return;
    }
    ctx.body = { error: { code: 'not_found', message: 'No such path (paths are case-sensitive and must be canonical)', requestId: String(ctx.state.requestId ?? '') } };
  };
}
