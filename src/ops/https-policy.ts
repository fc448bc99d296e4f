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
 * HTTPS as the client saw it: a TLS socket (direct TLS), or the X-Forwarded-Proto
 * value written by the outermost trusted proxy (each appending proxy adds one
 * value on the right). With no trusted proxy the header is ignored, so a
 * client cannot claim HTTPS over a plain connection.
 */
export function arrivedOverHttps(ctx: Context): boolean {
  if ((ctx.req.socket as { encrypted?: boolean }).encrypted) return true;
  // Trusted hops: the app's Koa options, set from TRUST_PROXY (src/ops/proxy-trust.ts).
  const hops = ctx.app.proxy ? ctx.app.maxIpsCount : 0;
  if (hops === 0) return false;
  const values = ctx.get('x-forwarded-proto').split(',').map((s) => s.trim().toLowerCase());
  return values[Math.max(0, values.length - hops)] === 'https';
}

/**
 * The client's IP for per-IP limits: Koa's ctx.ip, which with TRUST_PROXY=n is
 * the leftmost of the last n X-Forwarded-For entries (the address the outermost
 * trusted proxy saw) and with 0 the socket peer; client-written entries never count.
 */
export function clientIp(ctx: Context): string {
  return (ctx.ip || ctx.req.socket.remoteAddress || 'unknown').slice(0, 64);
}
