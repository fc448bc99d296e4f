import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { startWeb, type WebRuntime } from '../../src/main/web-runtime';
import { startWorkers } from '../../src/main/worker-runtime';
import { createLogger } from '../../src/log/logger';
import { DirectoryStore } from '../../src/store/directory-store';
import { OrganizationStore } from '../../src/store/organization-store';
import type { Closer } from '../../src/ops/shutdown';

/** Polls until `fn` is true; returns the milliseconds it took, or fails after `limitMs`. */
async function within(limitMs: number, what: string, fn: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    if (await fn()) return Date.now() - t0;
    await sleep(20);
  }
  throw new Error(`${what}: not within ${limitMs} ms`);
}

/** Revokes the directory's one token by its id (revokeTokens without an id keeps the newest). */
async function revokeOnly(env: TestEnv, directoryId: string): Promise<void> {
  const store = new DirectoryStore(env.db);
  const [token] = await store.listTokens(directoryId);
  assert.ok(token);
  assert.equal(await store.revokeTokens(directoryId, token.id), 1);
}

async function closeAll(closers: Closer[]): Promise<void> {
  for (const c of [...closers.filter((x) => x.name !== 'postgres'), ...closers.filter((x) => x.name === 'postgres')]) await c.close().catch(() => undefined);
}

describe('the write path caches (issue 10): principals and replay markers across web processes', () => {
  let env: TestEnv;
  let second: WebRuntime;
  const urlOf = (rt: WebRuntime, directoryId: string) => `http://127.0.0.1:${rt.port}/scim/v2/${directoryId}`;

  before(async () => {
    // A cache TTL of a minute: anything faster than that can only be the change notification.
    env = await createTestEnv({ env: { AUTH_CACHE_TTL_MS: '60000' } });
    second = await startWeb(env.config, createLogger('silent', 'second-web'), 0);
  });
  after(async () => {
    await closeAll(second.closers);
    await env.close();
  });

  it('a revoked token is refused by every web process within 1 s, though both had it cached', async () => {
    const dir = await env.createDirectory();
    const a = scimClient(dir.scimUrl, dir.token);
    const b = scimClient(urlOf(second, dir.directoryId), dir.token);
    assert.equal((await a('GET', '/Users?count=1')).status, 200);
    assert.equal((await b('GET', '/Users?count=1')).status, 200);
    await revokeOnly(env, dir.directoryId);
    const msA = await within(1000, 'first web refuses', async () => (await a('GET', '/Users?count=1')).status === 401);
    const msB = await within(1000, 'second web refuses', async () => (await b('GET', '/Users?count=1')).status === 401);
    assert.ok(msA < 1000 && msB < 1000);
  });

  it('a rotated-in token works at once everywhere; disabling the directory or the organization takes effect within 1 s', async () => {
    const dir = await env.createDirectory();
    const b = scimClient(urlOf(second, dir.directoryId), dir.token);
    assert.equal((await b('GET', '/Users?count=1')).status, 200);
    const fresh = await new DirectoryStore(env.db).rotateToken(dir.directoryId, 3600);
    assert.equal((await scimClient(urlOf(second, dir.directoryId), fresh)('GET', '/Users?count=1')).status, 200, 'the new token, right after rotation');
    assert.equal((await b('GET', '/Users?count=1')).status, 200, 'the old token inside its grace period');

    await new DirectoryStore(env.db).setStatus(dir.directoryId, 'disabled');
    await within(1000, 'disabled directory refused', async () => (await b('GET', '/Users?count=1')).status === 401);
    await new DirectoryStore(env.db).setStatus(dir.directoryId, 'active');
    await within(1000, 're-enabled directory accepted', async () => (await b('GET', '/Users?count=1')).status === 200);

    await new OrganizationStore(env.db).update(dir.organizationId, { directorySyncEnabled: false });
    await within(1000, 'organization with Directory Sync off refused', async () => (await b('GET', '/Users?count=1')).status === 401);
  });

  it('a token that expires is refused at its expiry, with no notification at all', async () => {
    const dir = await env.createDirectory();
    const b = scimClient(urlOf(second, dir.directoryId), dir.token);
    assert.equal((await b('GET', '/Users?count=1')).status, 200);
    // Expire it by hand in the cached state's future: set expires_at 300 ms ahead, then wait.
    await env.db('directory_tokens').where({ directory_id: dir.directoryId }).update({ expires_at: env.db.raw(`now() + interval '300 milliseconds'`) });
    await within(1500, 'expired token refused', async () => (await b('GET', '/Users?count=1')).status === 401);
  });

  it('while the change listener is cut off, nothing is served from the cache; it reconnects by itself', async () => {
    const dir = await env.createDirectory();
    const b = scimClient(urlOf(second, dir.directoryId), dir.token);
    assert.equal((await b('GET', '/Users?count=1')).status, 200);
    await env.db.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dirsync-listener' AND datname = current_database()`);
    // Revoked while no listener is connected: no notification can arrive.
    await revokeOnly(env, dir.directoryId);
    await within(1000, 'refused without a notification', async () => (await b('GET', '/Users?count=1')).status === 401);
    const listeners = await within(10_000, 'listeners back', async () => {
      const rows = await env.db('pg_stat_activity').where({ application_name: 'dirsync-listener' }).whereRaw('datname = current_database()').count<{ c: number }[]>({ c: '*' });
      return Number(rows[0]?.c) >= 2;
    });
    assert.ok(listeners >= 0);
  });
});

describe('Okta retry after a 503 lands on another web process', () => {
  let env: TestEnv;
  let second: WebRuntime;
  let workers: Closer[] = [];

  before(async () => {
    env = await createTestEnv({ workers: false, env: { SCIM_REPLY_TIMEOUT_MS: '300', SCIM_RETRY_AFTER_SECONDS: '2' } });
    second = await startWeb(env.config, createLogger('silent', 'second-web'), 0);
  });
  after(async () => {
    await closeAll(workers);
    await closeAll(second.closers);
    await env.close();
  });

  it('the marker written by one process reaches the other, so the retry gets the original outcome', async () => {
    const dir = await env.createDirectory();
    const body = oktaUser('retry-elsewhere@example.com');
    const first = await scimClient(dir.scimUrl, dir.token)('POST', '/Users', body);
    assert.equal(first.status, 503);
    workers = (await startWorkers(env.config, createLogger('silent', 'test-worker'))).closers;
    await within(10_000, 'the queued create to apply', async () => Boolean(await env.db('users').where({ directory_id: dir.directoryId }).first()));
    const retry = await scimClient(`http://127.0.0.1:${second.port}/scim/v2/${dir.directoryId}`, dir.token)('POST', '/Users', body);
    assert.equal(retry.status, 201, retry.text);
    const rows = await env.db('users').where({ directory_id: dir.directoryId });
    assert.equal(rows.length, 1);
    assert.equal(retry.body.id, rows[0].id, 'the original outcome, not a 409');
    // A new identical request after that is a new request: a real duplicate.
    assert.equal((await scimClient(dir.scimUrl, dir.token)('POST', '/Users', body)).status, 409);
  });
});
