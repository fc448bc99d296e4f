import net from 'node:net';

/**
 * A TCP proxy between the service and PostgreSQL (docs/chaos.md). The shared
 * PostgreSQL cluster may not be restarted, so a "restart" is simulated here:
 * `stop()` cuts every open connection and refuses new ones (the port is closed),
 * `start()` listens again on the same port. From the service's side that is what a
 * PostgreSQL restart looks like: connections reset, then ECONNREFUSED, then back.
 */
export class PgProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.track(client);
      this.track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.server = server;
    return this.port;
  }

  /** Closes the listening port and resets every proxied connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cutAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resets every proxied connection (a crash), keeps listening. */
  cutAll(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return n;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
