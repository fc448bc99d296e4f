/**
 * Koa's proxy options from TRUST_PROXY (trusted hops). With 0 hops Koa ignores
 * X-Forwarded-* entirely (ctx.ip is the socket peer, ctx.protocol the socket's);
 * with n hops it believes only the last n X-Forwarded-For entries, the ones the
 * trusted proxies appended, so a client cannot choose its own address.
 */
export function koaProxyOptions(trustedHops: number): { proxy: boolean; maxIpsCount: number } {
  return { proxy: trustedHops > 0, maxIpsCount: trustedHops };
}
