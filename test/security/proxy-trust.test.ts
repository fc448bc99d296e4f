/**
 * Issue 12 requirement 4: X-Forwarded-For and X-Forwarded-Proto are believed only
 * from TRUST_PROXY trusted hops. Against real servers: a direct client (no proxy
 * trusted, the default off Heroku) cannot dodge the failed-authentication limit by
 * rotating X-Forwarded-For, and a production server reached over a non-loopback
 * address refuses plain HTTP that claims `X-Forwarded-Proto: https`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { createTestEnv, type TestEnv, type TestDirectory } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { loadConfig } from '../../src/config/config';

const AUTH_FAILURE_LIMIT = 5;
const ADMIN_KEY = 'proxy-trust-admin-key-0123456789';
const PORTAL_SECRET = 'proxy-trust-portal-secret-0123456789abcdef';
let ipCounter = 1;
const rotatingIp = () => `198.51.100.${ipCounter++ % 250}`;
const guess = (i: number) => `dsk_${Buffer.from(`guess-${i}`).toString('base64url').padEnd(43, 'A')}`;

/** Sends LIMIT + 3 bad tokens, each claiming a new X-Forwarded-For, and returns the statuses. */
async function rotatingGuesses(dir: TestDirectory): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < AUTH_FAILURE_LIMIT + 3; i++) {
    const res = await scimClient(dir.scimUrl, guess(i))('GET', '/Users?startIndex=1&count=1', undefined, { 'X-Forwarded-For': rotatingIp() });
    statuses.push(res.status);
  }
  return statuses;
}

describe('proxy trust: TRUST_PROXY defaults', () => {
  it('is 0 hops by default and 1 on Heroku (DYNO set); an explicit value wins', () => {
    assert.equal(loadConfig({}).trustProxy, 0);
    assert.equal(loadConfig({ DYNO: 'web.1' }).trustProxy, 1);
    assert.equal(loadConfig({ DYNO: 'web.1', TRUST_PROXY: '0' }).trustProxy, 0);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.throws(() => loadConfig({ TRUST_PROXY: '-1' }), /TRUST_PROXY/);
  });
});

describe('proxy trust: a direct client rotating X-Forwarded-For (TRUST_PROXY unset)', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  before(async () => {
    env = await createTestEnv({ workers: false, env: { SCIM_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT), SCIM_AUTH_FAILURE_WINDOW_SECONDS: '600' } });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('gets 429 once over the failed-authentication limit', async () => {
    assert.equal(env.config.trustProxy, 0);
    const statuses = await rotatingGuesses(dir);
    assert.deepEqual(statuses, [...Array<number>(AUTH_FAILURE_LIMIT).fill(401), 429, 429, 429]);
  });
});

describe('proxy trust: behind one trusted proxy (TRUST_PROXY=1)', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  before(async () => {
    env = await createTestEnv({ workers: false, env: { TRUST_PROXY: '1', SCIM_AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT), SCIM_AUTH_FAILURE_WINDOW_SECONDS: '600' } });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('the proxy-appended X-Forwarded-For entry is the client, so distinct clients are counted apart', async () => {
    assert.deepEqual(await rotatingGuesses(dir), Array<number>(AUTH_FAILURE_LIMIT + 3).fill(401));
    // A client-written entry before the proxy's one does not change who is counted.
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 1; i++) {
      const res = await scimClient(dir.scimUrl, guess(i))('GET', '/Users', undefined, { 'X-Forwarded-For': `${rotatingIp()}, 203.0.113.50` });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [...Array<number>(AUTH_FAILURE_LIMIT).fill(401), 429]);
  });
});

/** A non-loopback IPv4 address of this machine: requests to it do not come from a loopback peer. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe('proxy trust: HTTPS policy of a production server reached directly', () => {
  let env: TestEnv;
  let dir: TestDirectory;
  const address = externalAddress();
  before(async () => {
    env = await createTestEnv({ workers: false, env: { NODE_ENV: 'production', ADMIN_API_KEY: ADMIN_KEY, PORTAL_SECRET, DATABASE_SSL: 'false' } });
    dir = await env.createDirectory();
  });
  after(async () => env.close());

  it('a spoofed X-Forwarded-Proto: https over plain HTTP is refused', { skip: address ? false : 'this machine has no non-loopback IPv4 address to connect from' }, async () => {
    const port = new URL(env.baseUrl).port;
    const url = `http://${address}:${port}/scim/v2/${dir.directoryId}`;
    const spoofed = await scimClient(url, dir.token)('GET', '/Users?startIndex=1&count=1', undefined, { 'X-Forwarded-Proto': 'https' });
    assert.equal(spoofed.status, 403);
    assert.match(spoofed.text, /HTTPS/);
    const admin = await fetch(`http://${address}:${port}/api/v1/organizations`, { headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'X-Forwarded-Proto': 'https' } });
    assert.equal(admin.status, 403);
    // The same request from loopback is let through (local tooling), which shows the 403 is the HTTPS policy.
    assert.equal((await scimClient(dir.scimUrl, dir.token)('GET', '/Users?startIndex=1&count=1')).status, 200);
  });
});
