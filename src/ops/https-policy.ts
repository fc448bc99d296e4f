import type { Context } from 'koa';

/** Paths that carry credentials or tenant data and must arrive over HTTPS in production. */
export type ProtectedArea = 'scim' | 'api' | 'portal' | 'ops';

export function protectedArea(rawPath: string): ProtectedArea | undefined {
  // Case-insensitive on purpose: a spelling the routers might accept must never skip the policy.
  const path = rawPath.toLowerCase();
  if (path === '/scim' || path.startsWith('/scim/')) return 'scim';
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  if (path === '/portal' || path.startsWith('/portal/')) return 'portal';
  if (path === '/metrics' || path === '/ops' || path.startsWith('/ops/')) return 'ops';
  return undefined;
}

/** The socket's peer (never X-Forwarded-For, which any client can write) is the loopback interface. */
export function isLoopbackPeer(ctx: Context): boolean {
  const addr = ctx.req.socket.remoteAddress ?? '';
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

/**
 * HTTPS as the client saw it: a TLS socket (direct TLS), or behind a router
 * X-Forwarded-Proto (Koa `proxy: true` makes ctx.protocol read it).
 */
export function arrivedOverHttps(ctx: Context): boolean {
  return ctx.protocol === 'https';
}

/**
 * The client's IP for per-IP limits: the last X-Forwarded-For hop when a router
 * is in front (Heroku appends the real peer; earlier entries are client-written),
 * else the socket peer.
 */
export function clientIp(ctx: Context): string {
  const forwarded = ctx.get('x-forwarded-for');
  const last = forwarded.split(',').map((s) => s.trim()).filter(Boolean).pop();
  const ip = last && !isLoopbackPeer(ctx) ? last : (last ?? ctx.req.socket.remoteAddress ?? 'unknown');
  return ip.slice(0, 64);
}
