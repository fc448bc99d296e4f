import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config';
import { createDb } from '../../src/store/db';
import { dropDatabase } from '../../src/store/ensure-database';
import { freePort } from '../support/test-env';

const ROOT = path.resolve(__dirname, '../..');
const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('npm start under NODE_ENV=production (issue 9, requirement 5)', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${PG_BASE}/dirsync_test_${suffix}`;
  const prefix = `{dstest-${suffix}}`;
  after(async () => {
    await dropDatabase(databaseUrl).catch(() => undefined);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('creates no demo organization and prints no token or portal link, only how to create an organization', async () => {
    const port = await freePort();
    const adminKey = `admin-${randomBytes(16).toString('hex')}`;
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ADMIN_API_KEY: adminKey,
      PORTAL_SECRET: randomBytes(32).toString('hex'),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '2',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/dev.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('dirsync is running') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      assert.match(output, /dirsync is running/, output.slice(-2000));
      assert.match(output, /create-organization/);
      assert.doesNotMatch(output, /Demo Organization|Bearer token|portal\/enter\?token=|scim\/v2\//);
      assert.ok(!output.includes(adminKey), 'the admin key is never printed');
      const db = createDb(loadConfig({ DATABASE_URL: databaseUrl }), 1);
      try {
        assert.equal((await db('organizations')).length, 0);
        assert.equal((await db('directories')).length, 0);
        assert.equal((await db('portal_links')).length, 0);
      } finally {
        await db.destroy();
      }
    } finally {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  });
});
