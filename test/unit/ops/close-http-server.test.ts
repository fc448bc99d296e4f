import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttpServer } from '../../../src/ops/close-http-server';

function get(port: number, agent: http.Agent, path: string): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', agent, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers['connection'] }));
      })
      .on('error', reject);
  });
}

describe('closeHttpServer', () => {
  it('lets the in-flight request finish, then resolves although keep-alive clients hold idle sockets', async () => {
    const pending: (() => void)[] = [];
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') pending.push(() => res.end('done'));
      else res.end('fast');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const idleAgent = new http.Agent({ keepAlive: true });
    const busyAgent = new http.Agent({ keepAlive: true });
    assert.equal((await get(port, idleAgent, '/warm')).connection, 'keep-alive', 'an idle keep-alive socket now exists');
    const inflight = get(port, busyAgent, '/slow');
    while (!pending.length) await new Promise((r) => setTimeout(r, 5));

    let closedAt = 0;
    const closed = closeHttpServer(server, 10).then(() => (closedAt = Date.now()));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closedAt, 0, 'not closed while a request is in flight');
    const answeredAt = Date.now();
    pending[0]!();
    assert.deepEqual((await inflight).body, 'done');
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('server never closed')), 2000))]);
    assert.ok(closedAt >= answeredAt);
    idleAgent.destroy();
    busyAgent.destroy();
  });
});
