import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { err, ok, type Result } from '../../../src/scim/result';
import { ScimError } from '../../../src/scim/scim-error';

describe('Result', () => {
  it('wraps a value and an error so callers can narrow on ok', () => {
    const good: Result<number> = ok(3);
    const e = new ScimError(400, 'bad', 'invalidValue');
    const bad: Result<number> = err(e);
    assert.deepEqual(good, { ok: true, value: 3 });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.error, e);
  });
});
