import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { productionStartBanner } from '../../../src/main/start-banner';

describe('productionStartBanner', () => {
  it('says where dirsync runs and how to create the first organization, printing no secret', () => {
    const text = productionStartBanner({ publicUrl: 'https://sync.example.com', env: 'production' });
    assert.ok(text.includes('dirsync is running at https://sync.example.com (NODE_ENV=production'));
    assert.ok(text.includes('npx dirsync create-organization'));
    assert.ok(text.includes('npx dirsync portal-link'));
    assert.ok(text.includes('Authorization: Bearer <ADMIN_API_KEY>'), 'names the variable, never its value');
    assert.ok(!/dsk_|dev_/.test(text));
  });
});
