import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { ensureAppModelSchema } from '../../src/app-model/app-model-schema';
import { createDb } from '../../src/store/db';

describe('the app user model in the app’s own schema (APP_MODEL_SCHEMA)', () => {
  let env: TestEnv;

  before(async () => {
    env = await createTestEnv({ env: { APP_MODEL_SCHEMA: 'acme_app' } });
  });
  after(async () => env.close());

  it('release moved the tables; deliveries land there, and nothing is left in public', async () => {
    const tables: { schemaname: string; tablename: string }[] = await env.db('pg_tables').whereIn('tablename', ['app_users', 'app_groups', 'app_memberships']).select('schemaname', 'tablename');
    assert.deepEqual(tables.map((t) => t.schemaname).sort(), ['acme_app', 'acme_app', 'acme_app']);

    const dir = await env.createDirectory();
    const created = await scimClient(dir.scimUrl, dir.token)('POST', '/Users', oktaUser('schema@example.com'));
    assert.equal(created.status, 201);
    const plain = createDb({ ...env.config, appModelSchema: 'public' }, 1, { forMigrations: true });
    try {
      let row: { user_name: string } | undefined;
      for (let i = 0; i < 100 && !row; i++) {
        row = await plain('acme_app.app_users').where({ directory_user_id: created.body.id }).first('user_name');
        if (!row) await sleep(50);
      }
      assert.equal(row?.user_name, 'schema@example.com');
      const inPublic = await plain.raw(`select to_regclass('public.app_users') as t`);
      assert.equal(inPublic.rows[0].t, null);
      // Idempotent: a second release moves nothing.
      assert.deepEqual(await ensureAppModelSchema(plain, 'acme_app'), []);
    } finally {
      await plain.destroy();
    }
  });
});
