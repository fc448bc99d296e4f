// Runs a Koa app (or one middleware) on an ephemeral loopback port for a unit test, so middleware
// is tested through real HTTP without the runtime, a database or Redis.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';

export interface Served {
  url: string;
  request: (path: string, init?: RequestInit) => Promise<Response>;
  close: () => Promise<void>;
}

export async function serve(app: Koa): Promise<Served> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    request: (path, init) => fetch(`${url}${path}`, init),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Koa app made of the given middleware, then a final handler answering 200 "ok" with ctx.state as JSON. */
export function appOf(...middleware: Middleware[]): Koa {
  const app = new Koa();
  app.silent = true;
  for (const m of middleware) app.use(m);
  app.use((ctx) => {
    if (ctx.body === undefined) ctx.body = { ok: true, state: ctx.state as unknown };
  });
  return app;
}
