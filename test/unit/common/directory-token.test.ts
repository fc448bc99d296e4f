import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { TOKEN_PREFIX, hashToken, hashesEqual, issueToken } from '../../../src/common/directory-token';

describe('directory tokens', () => {
  it('issues dsk_ + 43 base64url characters (256 bits) and a display prefix of 6 more', () => {
    const t = issueToken();
    assert.match(t.token, /^dsk_[A-Za-z0-9_-]{43}$/);
    assert.equal(t.displayPrefix, t.token.slice(0, TOKEN_PREFIX.length + 6));
    assert.ok(!t.displayPrefix.includes(t.token.slice(10)), 'the display prefix is not the secret');
  });

  it('stores only the SHA-256 of the token, and two issues never collide', () => {
    const a = issueToken();
    const b = issueToken();
    assert.notEqual(a.token, b.token);
    assert.deepEqual(a.hash, createHash('sha256').update(a.token).digest());
    assert.deepEqual(hashToken(a.token), a.hash);
    assert.equal(a.hash.length, 32);
  });

  it('compares digests exactly, refusing different lengths instead of throwing', () => {
    const a = hashToken('dsk_a');
    assert.equal(hashesEqual(a, hashToken('dsk_a')), true);
    assert.equal(hashesEqual(a, hashToken('dsk_b')), false);
    assert.equal(hashesEqual(a, a.subarray(0, 16)), false);
    assert.equal(hashesEqual(Buffer.alloc(0), Buffer.alloc(0)), true);
  });
});
