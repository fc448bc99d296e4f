import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { createServer } from '../../../src/ops/create-server';

describe('createServer', () => {
  it('is plain HTTP without TLS files', () => {
    const server = createServer({ ops: { tls: undefined } } as never, () => {});
    assert.ok(server instanceof http.Server);
    assert.ok(!(server instanceof https.Server));
  });

  it('reads the PEM files when TLS is configured (a missing file fails at start, not at the first request)', () => {
    assert.throws(() => createServer({ ops: { tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } } } as never, () => {}), /ENOENT/);
  });
});
