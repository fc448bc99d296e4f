import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import { createDb, type Db } from '../../src/store/db';
import { dropDatabase, ensureDatabase } from '../../src/store/ensure-database';

const PG_BASE = process.env['TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const MIGRATION = '20261129000100_group_name_unique.ts';

/**
 * The group-name migration on a database that already holds duplicate names: it
 * must list them and refuse, change nothing, and succeed once they are resolved.
 * The schema is built migration by migration up to the one before, as an older
 * deployment would have it.
 */
describe('migration 20261129000100_group_name_unique', () => {
  const databaseUrl = `${PG_BASE}/dirsync_test_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
  let db: Db;
  const dirs: string[] = [];
  const groups: Record<string, string> = {};

  before(async () => {
    await ensureDatabase(databaseUrl);
    db = createDb(loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }), 2, { forMigrations: true });
    for (;;) {
      const [, pending] = (await db.migrate.list()) as [unknown[], { file: string }[]];
      if (pending[0]?.file === MIGRATION) break;
      assert.ok(pending.length, `${MIGRATION} not found among pending migrations`);
      await db.migrate.up();
    }
    const [org] = await db('organizations').insert({ name: 'Migration Org' }).returning('id');
    for (const provider of ['okta', 'entra']) {
      const [dir] = await db('directories').insert({ organization_id: (org as { id: string }).id, provider, name: provider }).returning('id');
      dirs.push((dir as { id: string }).id);
    }
    const insert = async (key: string, directoryId: string, name: string) => {
      const [row] = await db('groups').insert({ directory_id: directoryId, display_name: name, doc: { displayName: name } }).returning('id');
      groups[key] = (row as { id: string }).id;
    };
    await insert('eng1', dirs[0] as string, 'Engineering');
    await insert('eng2', dirs[0] as string, 'engineering');
    await insert('ops1', dirs[0] as string, 'Ops');
    await insert('ops2', dirs[1] as string, 'Ops'); // another directory: not a duplicate
  });
  after(async () => {
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('refuses with a report of each duplicate (directory, name, ids) and instructions, dropping nothing', async () => {
    await assert.rejects(db.migrate.up(), (error: Error) => {
      assert.match(error.message, /refused: 1 group displayName\(s\) are used more than once/);
      assert.ok(error.message.includes(`directory ${dirs[0]}: displayName "Engineering" is used by 2 groups`), error.message);
      assert.ok(error.message.includes(groups['eng1'] as string) && error.message.includes(groups['eng2'] as string), error.message);
      assert.ok(!error.message.includes(groups['ops1'] as string), 'a name used once per directory is not reported');
      assert.match(error.message, /rename or delete the others/);
      assert.match(error.message, /npm run release/);
      return true;
    });
    assert.equal(Number((await db('groups').count<{ count: string }[]>({ count: '*' }))[0]?.count), 4, 'no group dropped');
    const [, pending] = (await db.migrate.list()) as [unknown[], { file: string }[]];
    assert.equal(pending[0]?.file, MIGRATION, 'still pending');
    const indexes = await db.raw(`SELECT indexname FROM pg_indexes WHERE tablename = 'groups'`);
    assert.ok(!indexes.rows.some((r: { indexname: string }) => r.indexname === 'groups_directory_display_name_uq'));
  });

  it('applies once the duplicate is renamed; the index then rejects a new duplicate', async () => {
    await db('groups').where({ id: groups['eng2'] }).update({ display_name: 'Engineering (old)' });
    await db.migrate.up();
    const [, pending] = (await db.migrate.list()) as [unknown[], { file: string }[]];
    assert.ok(!pending.some((p) => p.file === MIGRATION));
    await assert.rejects(
      db('groups').insert({ directory_id: dirs[1], display_name: 'OPS', doc: {} }),
      (e: { code?: string; constraint?: string }) => e.code === '23505' && e.constraint === 'groups_directory_display_name_uq',
    );
  });
});
