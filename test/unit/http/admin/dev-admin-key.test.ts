import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withDevelopmentAdminKey } from '../../../../src/http/admin/dev-admin-key';
import { loadConfig } from '../../../../src/config/config';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:9/none', REDIS_URL: 'redis://127.0.0.1:9' };

describe('withDevelopmentAdminKey', () => {
  it('generates a per-run key in development when none is set, leaving the input untouched', () => {
    const config = loadConfig({ ...base, NODE_ENV: 'development' });
    const { config: withKey, generatedAdminKey } = withDevelopmentAdminKey(config);
    assert.match(generatedAdminKey!, /^dev_[A-Za-z0-9_-]{32}$/);
    assert.equal(withKey.adminApiKey, generatedAdminKey);
    assert.equal(config.adminApiKey, undefined);
    assert.ok(Object.isFrozen(withKey));
    assert.notEqual(withDevelopmentAdminKey(config).generatedAdminKey, generatedAdminKey);
  });

  it('keeps a configured key and never generates one outside development', () => {
    const set = loadConfig({ ...base, NODE_ENV: 'development', ADMIN_API_KEY: 'k'.repeat(32) });
    assert.deepEqual(withDevelopmentAdminKey(set), { config: set });
    const test = loadConfig({ ...base, NODE_ENV: 'test' });
    assert.deepEqual(withDevelopmentAdminKey(test), { config: test });
  });
});
