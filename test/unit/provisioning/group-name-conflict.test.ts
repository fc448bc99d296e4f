import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { GROUP_NAME_INDEX, duplicateGroupName } from '../../../src/provisioning/group-name-conflict';
import { scimErrorBody } from '../../../src/scim/scim-error';

describe('group name conflicts', () => {
  it('is a 409 uniqueness SCIM error', () => {
    const e = duplicateGroupName();
    assert.deepEqual(scimErrorBody(e), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'A group with this displayName already exists in this directory' });
  });

  it('names the index a migration creates', () => {
    const migrations = path.resolve(__dirname, '../../../migrations');
    const text = fs.readdirSync(migrations).map((f) => fs.readFileSync(path.join(migrations, f), 'utf8')).join('\n');
    assert.ok(text.includes(GROUP_NAME_INDEX), `no migration creates ${GROUP_NAME_INDEX}`);
  });
});
