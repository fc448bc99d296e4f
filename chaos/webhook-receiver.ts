import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook } from '../test/delivery/delivery-helpers';

/** What the fake app does right now. `down` = the port is closed (connection refused). */
export type ReceiverMode = 'up' | 'down' | 'error500' | 'throttle429';

/**
 * The onboarded app's webhook endpoint on 127.0.0.1, with an outage switch. It
 * verifies every Standard Webhooks signature (independent verifier from the
 * delivery tests) and records which event ids it accepted (dedupe by webhook-id).
 */
export class ChaosReceiver {
  mode: ReceiverMode = 'up';
  secret = '';
  retryAfterSeconds = 5;
  port = 0;
  readonly accepted = new Map<string, number>();
  counts = { requests: 0, badSignature: 0, answered500: 0, answered429: 0, duplicates: 0 };
  private server: http.Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/dirsync`;
  }

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.counts.requests++;
        const raw = Buffer.concat(chunks).toString('utf8');
        if (!verifyStandardWebhook(this.secret, req.headers, raw)) {
          this.counts.badSignature++;
          res.writeHead(401).end();
          return;
        }
        if (this.mode === 'error500') {
          this.counts.answered500++;
          res.writeHead(500).end('receiver failing');
          return;
        }
        if (this.mode === 'throttle429') {
          this.counts.answered429++;
          res.writeHead(429, { 'retry-after': String(this.retryAfterSeconds) }).end();
          return;
        }
        const id = String(req.headers['webhook-id']);
        const seen = this.accepted.get(id) ?? 0;
        if (seen) this.counts.duplicates++;
        this.accepted.set(id, seen + 1);
        res.writeHead(204).end();
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port (connection refused) and drops keep-alive connections. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.close();
    else if (!this.server) await this.listen();
  }
}
