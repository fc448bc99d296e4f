import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, webhookLoopbackAllowed } from '../../../src/config/config';

// Explicit environments only: loadConfig is never handed process.env here.
const prodEnv = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db.example.com:5432/d', REDIS_URL: 'rediss://:p@redis.example.com:6380', ADMIN_API_KEY: 'a'.repeat(16), PORTAL_SECRET: 'p'.repeat(32) };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const c = loadConfig({});
    assert.equal(c.env, 'development');
    assert.equal(c.port, 3000);
    assert.equal(c.publicUrl, 'http://localhost:3000');
    assert.equal(c.queuePrefix, '{dirsync}');
    assert.equal(c.trustProxy, 0);
    assert.equal(c.databaseSsl, false);
    assert.equal(c.pgPoolMaxWorker, c.workerConcurrency + c.delivery.concurrency + 2);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.scim) && Object.isFrozen(c.delivery));
  });

  it('treats empty values as unset and trims trailing slashes off PUBLIC_URL', () => {
    const c = loadConfig({ PORT: '', PUBLIC_URL: 'https://sync.example.com//' });
    assert.equal(c.port, 3000);
    assert.equal(c.publicUrl, 'https://sync.example.com');
  });

  it('parses booleans from true/false/1/0/yes/no and refuses anything else', () => {
    assert.equal(loadConfig({ OPS_BOARD_WRITE: 'yes' }).ops.boardWrite, true);
    assert.equal(loadConfig({ OPS_BOARD_WRITE: '0' }).ops.boardWrite, false);
    assert.match(problems({ OPS_BOARD_WRITE: 'maybe' }).join(), /OPS_BOARD_WRITE/);
  });

  it('lists every problem at once', () => {
    const p = problems({ PORT: '70000', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'loud' });
    assert.equal(p.length, 3, p.join('\n'));
    for (const name of ['PORT', 'WORKER_CONCURRENCY', 'LOG_LEVEL']) assert.ok(p.some((x) => x.startsWith(name)), name);
  });

  it('requires an admin key and a portal secret in production, and a redis:// URL', () => {
    assert.deepEqual(problems(prodEnv), []);
    const p = problems({ ...prodEnv, ADMIN_API_KEY: '', PORTAL_SECRET: '', REDIS_URL: 'http://redis' });
    assert.equal(p.length, 3, p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('ADMIN_API_KEY')) && p.some((x) => x.startsWith('PORTAL_SECRET')) && p.some((x) => x.startsWith('REDIS_URL')));
    assert.match(problems({ ADMIN_API_KEY: 'short' }).join(), /ADMIN_API_KEY/);
  });

  it('needs both TLS files or neither', () => {
    assert.match(problems({ TLS_CERT: '/c.pem' }).join(), /TLS_CERT and TLS_KEY/);
    assert.deepEqual(loadConfig({ TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' }).ops.tls, { certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('uses TLS to PostgreSQL in production for non-loopback hosts unless told otherwise', () => {
    assert.equal(loadConfig(prodEnv).databaseSsl, true);
    assert.equal(loadConfig({ ...prodEnv, DATABASE_URL: 'postgres://u@127.0.0.1:5432/d' }).databaseSsl, false);
    assert.equal(loadConfig({ ...prodEnv, DATABASE_SSL: 'false' }).databaseSsl, false);
    assert.equal(loadConfig({ DATABASE_SSL: 'true' }).databaseSsl, true);
  });

  it("trusts one proxy hop on Heroku (DYNO set) unless TRUST_PROXY says otherwise", () => {
    assert.equal(loadConfig({ DYNO: 'web.1' }).trustProxy, 1);
    assert.equal(loadConfig({ DYNO: 'web.1', TRUST_PROXY: '0' }).trustProxy, 0);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  });

  it('never reads process.env when given a source', () => {
    const saved = process.env['PORT'];
    process.env['PORT'] = '4321';
    try {
      assert.equal(loadConfig({}).port, 3000);
    } finally {
      if (saved === undefined) delete process.env['PORT'];
      else process.env['PORT'] = saved;
    }
  });
});

describe('webhookLoopbackAllowed', () => {
  it('is on only for a true value, and off for invalid ones', () => {
    assert.equal(webhookLoopbackAllowed({ WEBHOOK_ALLOW_LOOPBACK: 'true' }), true);
    assert.equal(webhookLoopbackAllowed({ WEBHOOK_ALLOW_LOOPBACK: '1' }), true);
    assert.equal(webhookLoopbackAllowed({ WEBHOOK_ALLOW_LOOPBACK: 'false' }), false);
    assert.equal(webhookLoopbackAllowed({ WEBHOOK_ALLOW_LOOPBACK: 'sure' }), false);
    assert.equal(webhookLoopbackAllowed({ WEBHOOK_ALLOW_LOOPBACK: '' }), false);
    assert.equal(webhookLoopbackAllowed({}), false);
  });
});
