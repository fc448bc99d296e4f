import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import Koa from 'koa';
import { requireHttps } from '../../../src/http/shared/require-https';
import { hsts } from '../../../src/http/shared/hsts';
import { koaProxyOptions } from '../../../src/ops/proxy-trust';
import { clientIp } from '../../../src/ops/https-policy';

/** Runs the middleware on a request whose socket peer is `peer` (no network: the peer address is the point). */
async function run(opts: { path: string; peer: string; proto?: string; forwardedFor?: string; production?: boolean; trustedHops?: number }) {
  // One trusted hop (Heroku's router) unless the test says otherwise.
  const app = new Koa(koaProxyOptions(opts.trustedHops ?? 1));
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: opts.peer });
  const req = new http.IncomingMessage(socket);
  req.method = 'GET';
  req.url = opts.path;
  req.headers = {
    host: 'dirsync.example.com',
    ...(opts.proto ? { 'x-forwarded-proto': opts.proto } : {}),
    ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}),
  };
  const res = new http.ServerResponse(req);
  const ctx = app.createContext(req, res);
  ctx.state.requestId = 'req-1';
  let reached = false;
  await requireHttps(opts.production ?? true)(ctx, async () => {
    await hsts(31_536_000)(ctx, async () => {
      reached = true;
      ctx.status = 200;
    });
  });
  return { ip: clientIp(ctx), reached, status: ctx.status, body: ctx.body, type: ctx.type, hsts: String(ctx.response.get('Strict-Transport-Security') ?? '') };
}

describe('HTTPS policy (production)', () => {
  it('refuses plain-HTTP SCIM from a remote peer with a SCIM error', async () => {
    const r = await run({ path: '/scim/v2/abc/Users', peer: '203.0.113.7', proto: 'http' });
    assert.equal(r.reached, false);
    assert.equal(r.status, 403);
    assert.match(r.type, /scim\+json/);
    assert.deepEqual((r.body as { schemas: string[] }).schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
  it('refuses plain-HTTP admin API with a JSON error and the portal/ops with text', async () => {
    const api = await run({ path: '/api/v1/organizations', peer: '203.0.113.7' });
    assert.equal(api.status, 403);
    assert.equal((api.body as { error: { code: string } }).error.code, 'https_required');
    const portal = await run({ path: '/portal/x', peer: '203.0.113.7', proto: 'http' });
    assert.equal(portal.status, 403);
    assert.match(String(portal.body), /HTTPS is required/);
    assert.equal((await run({ path: '/ops/queues', peer: '203.0.113.7' })).status, 403);
    assert.equal((await run({ path: '/metrics', peer: '203.0.113.7' })).status, 403);
  });
  it('X-Forwarded-For cannot fake loopback: only the socket peer counts', async () => {
    const r = await run({ path: '/scim/v2/abc/Users', peer: '203.0.113.7', proto: 'http' });
    assert.equal(r.status, 403);
  });
  it('lets HTTPS (X-Forwarded-Proto) through, with HSTS on portal pages only', async () => {
    const scim = await run({ path: '/scim/v2/abc/Users', peer: '10.1.2.3', proto: 'https' });
    assert.equal(scim.reached, true);
    assert.equal(scim.hsts, '');
    const portal = await run({ path: '/portal/home', peer: '10.1.2.3', proto: 'https' });
    assert.equal(portal.reached, true);
    assert.equal(portal.hsts, 'max-age=31536000');
  });
  it('lets loopback peers through over plain HTTP (IPv4, IPv6, mapped), without HSTS', async () => {
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const r = await run({ path: '/portal/home', peer, proto: 'http' });
      assert.equal(r.reached, true, peer);
      assert.equal(r.hsts, '');
    }
  });
  it('health checks and non-production stay plain HTTP', async () => {
    assert.equal((await run({ path: '/healthz', peer: '203.0.113.7' })).reached, true);
    assert.equal((await run({ path: '/scim/v2/abc/Users', peer: '203.0.113.7', production: false })).reached, true);
  });
});

describe('proxy trust (TRUST_PROXY hops)', () => {
  it('with no trusted proxy, a spoofed X-Forwarded-Proto: https does not satisfy the HTTPS policy', async () => {
    const r = await run({ path: '/scim/v2/abc/Users', peer: '203.0.113.7', proto: 'https', trustedHops: 0 });
    assert.equal(r.reached, false);
    assert.equal(r.status, 403);
    assert.equal((await run({ path: '/api/v1/organizations', peer: '203.0.113.7', proto: 'https', trustedHops: 0 })).status, 403);
  });
  it('with one trusted hop, only the value the proxy appended counts', async () => {
    // An appending proxy after a client that wrote "https" itself: the proxy saw plain HTTP.
    assert.equal((await run({ path: '/scim/v2/abc/Users', peer: '10.1.2.3', proto: 'https, http' })).status, 403);
    assert.equal((await run({ path: '/scim/v2/abc/Users', peer: '10.1.2.3', proto: 'http, https' })).reached, true);
  });
  it('client IP: the socket peer with 0 hops; the last n X-Forwarded-For entries with n hops', async () => {
    const forwardedFor = '1.1.1.1, 2.2.2.2, 3.3.3.3';
    assert.equal((await run({ path: '/healthz', peer: '203.0.113.7', forwardedFor, trustedHops: 0 })).ip, '203.0.113.7');
    assert.equal((await run({ path: '/healthz', peer: '10.0.0.1', forwardedFor, trustedHops: 1 })).ip, '3.3.3.3');
    assert.equal((await run({ path: '/healthz', peer: '10.0.0.1', forwardedFor, trustedHops: 2 })).ip, '2.2.2.2');
    assert.equal((await run({ path: '/healthz', peer: '10.0.0.1', trustedHops: 1 })).ip, '10.0.0.1');
  });
});
