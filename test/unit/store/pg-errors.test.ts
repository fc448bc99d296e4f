import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTransientDbError, isUniqueViolation } from '../../../src/store/pg-errors';

describe('isUniqueViolation', () => {
  it('recognises SQLSTATE 23505, optionally of one constraint', () => {
    const e = Object.assign(new Error('dup'), { code: '23505', constraint: 'users_uq' });
    assert.equal(isUniqueViolation(e), true);
    assert.equal(isUniqueViolation(e, 'users_uq'), true);
    assert.equal(isUniqueViolation(e, 'groups_uq'), false);
    assert.equal(isUniqueViolation({ code: '23503' }), false);
    for (const v of [null, undefined, 'x', 23505]) assert.equal(isUniqueViolation(v), false);
  });
});

describe('isTransientDbError', () => {
  it('retries serialization failures, deadlocks, lock timeouts, shutdowns, too many connections and connection exceptions', () => {
    for (const code of ['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '08006', '08001']) {
      assert.equal(isTransientDbError({ code }), true, code);
    }
  });

  it('retries lost or refused connections by message', () => {
    for (const m of ['connect ECONNREFUSED 127.0.0.1:5432', 'read ECONNRESET', 'Connection terminated unexpectedly', 'Knex: Timeout acquiring a connection. The pool is probably full.']) {
      assert.equal(isTransientDbError(new Error(m)), true, m);
    }
  });

  it('does not retry errors a retry cannot fix', () => {
    for (const e of [{ code: '23505' }, { code: '22P02' }, { code: '42601' }, new Error('syntax error'), null, 'ECONNREFUSED']) {
      assert.equal(isTransientDbError(e), false, JSON.stringify(e));
    }
  });
});
