/**
 * Issue 12 requirement 1: `npm run build` makes a dist/ that runs with plain node,
 * as the Procfile runs it on Heroku after devDependencies are pruned: compiled
 * entry points, migrations (recorded under the same names as from source) and the
 * portal's assets, needing nothing outside `dependencies`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { dropDatabase } from '../../src/store/ensure-database';
import { freePort } from '../support/test-env';

const ROOT = path.resolve(__dirname, '../..');
const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const run = promisify(execFile);
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
}

describe('npm run build → dist/ runs with plain node', { timeout: 240_000 }, () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  // Inside the repository, so the compiled files resolve node_modules as dist/ does.
  const out = path.join(ROOT, `.build-test-${suffix}`);
  const databaseUrl = `${PG_BASE}/dirsync_test_${suffix}`;
  const prefix = `{dstest-${suffix}}`;
  const children: ReturnType<typeof spawn>[] = [];

  before(async () => {
    await run('bash', ['scripts/build.sh', out], { cwd: ROOT });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(out, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('compiles every entry point, the knexfile, every migration and copies the portal assets', () => {
    for (const f of ['src/main/web.js', 'src/main/worker.js', 'src/main/release.js', 'src/main/dev.js', 'src/cli/main.js', 'knexfile.js', 'src/http/portal/assets/portal.css', 'src/http/portal/assets/portal.js']) {
      assert.ok(fs.existsSync(path.join(out, f)), `${f} missing from the build`);
    }
    const sources = fs.readdirSync(path.join(ROOT, 'migrations')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '.js'));
    assert.deepEqual(fs.readdirSync(path.join(out, 'migrations')).filter((f) => f.endsWith('.js')).sort(), sources.sort());
  });

  it('the Procfile runs plain node on files of the build (no npm, no tsx)', () => {
    const procfile = fs.readFileSync(path.join(ROOT, 'Procfile'), 'utf8').trim().split('\n');
    assert.deepEqual(procfile.map((l) => l.split(':')[0]).sort(), ['release', 'web', 'worker']);
    for (const line of procfile) {
      const command = line.slice(line.indexOf(':') + 1).trim().split(/\s+/);
      assert.equal(command[0], 'node', line);
      assert.ok(!command.includes('tsx') && !command.includes('--import'), line);
      const script = command.at(-1) ?? '';
      assert.match(script, /^dist\//, line);
      assert.ok(fs.existsSync(path.join(out, script.slice('dist/'.length))), `${script} is not produced by the build`);
    }
  });

  it('needs only `dependencies` at run time: every package the build requires is one, tsx and typescript are not', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const used = new Set<string>();
    for (const file of jsFiles(out)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:require|import)\(["']([^"'.][^"']*)["']\)/g)) {
        const spec = m[1] ?? '';
        if (builtins.has(spec) || builtins.has(spec.split('/')[0] ?? '')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));
      }
    }
    assert.ok(used.has('koa') && used.has('knex'), `scan found ${[...used].join(', ')}`);
    for (const name of used) assert.ok(pkg.dependencies[name], `${name} is required at run time but is not in dependencies`);
    assert.equal(pkg.dependencies['tsx'], undefined);
    assert.equal(pkg.dependencies['typescript'], undefined);
    assert.ok(pkg.devDependencies['tsx']);
  });

  it('release from the build migrates a fresh database, and from source finds it current (same migration names)', async () => {
    const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl };
    const fromBuild = await run(process.execPath, [path.join(out, 'src/main/release.js')], { cwd: ROOT, env });
    assert.match(fromBuild.stdout, /migrated \(batch 1\): 20261128000001_core_schema\.ts/);
    const fromSource = await run(process.execPath, ['--import', 'tsx', 'src/main/release.ts'], { cwd: ROOT, env });
    assert.match(fromSource.stdout, /migrations already current/);
  });

  it('web from the build serves /readyz and the portal assets', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(out, 'src/main/web.js')], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    children.push(child);
    const deadline = Date.now() + 30_000;
    let ready = 0;
    while (Date.now() < deadline && ready !== 200) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
      if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(ready, 200);
    const css = await fetch(`http://127.0.0.1:${port}/portal/assets/portal.css`);
    assert.equal(css.status, 200);
    assert.ok((await css.text()).length > 100);
    child.kill('SIGTERM');
  });

  it('npx dirsync --version prints the package version', async () => {
    const { stdout } = await run(path.join(ROOT, 'bin/dirsync'), ['--version'], { cwd: ROOT });
    assert.equal(stdout.trim(), pkg.version);
  });
});
