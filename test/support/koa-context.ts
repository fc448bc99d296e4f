// A Koa context over a socket whose peer address the test chooses, without any network: for
// middleware whose behaviour depends on the peer (loopback, TLS) or on trusted proxy headers.
import http from 'node:http';
import net from 'node:net';
import Koa, { type Context } from 'koa';
import { koaProxyOptions } from '../../src/ops/proxy-trust';

export interface ContextOptions {
  path: string;
  method?: string;
  peer?: string;
  headers?: Record<string, string>;
  /** TRUST_PROXY hops (0: X-Forwarded-* ignored). */
  trustedHops?: number;
  /** The socket is TLS (direct HTTPS). */
  encrypted?: boolean;
}

export function contextFor(o: ContextOptions): Context {
  const app = new Koa(koaProxyOptions(o.trustedHops ?? 0));
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: o.peer ?? '203.0.113.7' });
  if (o.encrypted) Object.defineProperty(socket, 'encrypted', { value: true });
  const req = new http.IncomingMessage(socket);
  req.method = o.method ?? 'GET';
  req.url = o.path;
  req.headers = { host: 'dirsync.example.com', ...o.headers };
  const res = new http.ServerResponse(req);
  return app.createContext(req, res);
}

/** Runs one middleware; says whether it called next. */
export async function runMiddleware(middleware: Koa.Middleware, ctx: Context, inner: (ctx: Context) => void = () => {}): Promise<boolean> {
  let reached = false;
  await middleware(ctx, () => {
    reached = true;
    inner(ctx);
    return Promise.resolve();
  });
  return reached;
}
