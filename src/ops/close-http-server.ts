import type http from 'node:http';

/**
 * Stops accepting connections and resolves once every in-flight request is
 * answered. `server.close()` alone waits for keep-alive sockets that turn idle
 * after their last response (Okta and Heroku's router keep connections open),
 * so responses finished during shutdown carry `Connection: close` and idle
 * sockets are closed as they appear.
 */
export function closeHttpServer(server: http.Server, sweepMs = 100): Promise<void> {
  return new Promise<void>((resolve) => {
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    });
    const sweep = setInterval(() => server.closeIdleConnections(), sweepMs);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
