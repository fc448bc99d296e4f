import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../../src/provisioning/unwrap';
import { err, ok } from '../../../src/scim/result';
import { ScimError } from '../../../src/scim/scim-error';

describe('unwrap', () => {
  it('returns the value of a success', () => {
    assert.deepEqual(unwrap(ok({ a: 1 })), { a: 1 });
  });

  it('throws the very ScimError of a failure (the transaction aborts with it)', () => {
    const e = new ScimError(400, 'bad', 'invalidValue');
    assert.throws(() => unwrap(err(e)), (thrown: unknown) => thrown === e);
  });
});
