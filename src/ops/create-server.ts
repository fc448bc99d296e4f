import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Config } from '../config/config';

/**
 * The listening server: plain HTTP behind a TLS-terminating router (Heroku) or
 * on loopback in development, or direct TLS when TLS_CERT and TLS_KEY name PEM
 * files (deployments with no router in front). The HTTPS policy sees HTTPS either way
 * (X-Forwarded-Proto from TRUST_PROXY trusted hops, or the TLS socket).
 */
export function createServer(config: Pick<Config, 'ops'>, handler: http.RequestListener): http.Server {
  const tls = config.ops.tls;
  if (!tls) return http.createServer(handler);
  const server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, handler);
  // https.Server carries http.Server's API (close, closeIdleConnections, timeouts).
  return server as unknown as http.Server;
}
