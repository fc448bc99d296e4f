import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isUuid } from '../../../src/common/uuid';

describe('isUuid', () => {
  it('accepts the textual form of any version, in either case', () => {
    assert.equal(isUuid(randomUUID()), true);
    assert.equal(isUuid('00000000-0000-0000-0000-000000000000'), true);
    assert.equal(isUuid('2C8E6B5E-3C2F-4B7E-9F57-1C8A2F9E0D11'), true);
  });

  it('refuses what PostgreSQL would reject or that is not a plain uuid', () => {
    for (const v of ['', 'x', '2c8e6b5e3c2f4b7e9f571c8a2f9e0d11', '{2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11}', ' 2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11', '2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d1g', '2c8e6b5e-3c2f-4b7e-9f57-1c8a2f9e0d11\n']) {
      assert.equal(isUuid(v), false, JSON.stringify(v));
    }
  });
});
