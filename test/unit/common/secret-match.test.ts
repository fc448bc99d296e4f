import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secretMatches } from '../../../src/common/secret-match';

describe('secretMatches', () => {
  it('accepts the exact secret only', () => {
    assert.equal(secretMatches('s3cret', 's3cret'), true);
    assert.equal(secretMatches('s3cret ', 's3cret'), false);
    assert.equal(secretMatches('S3CRET', 's3cret'), false);
  });

  it('compares secrets of different lengths without throwing', () => {
    assert.equal(secretMatches('a', 'a much longer configured secret'), false);
  });

  it('refuses everything when no secret is configured (even an empty one)', () => {
    assert.equal(secretMatches('', undefined), false);
    assert.equal(secretMatches('', ''), false);
    assert.equal(secretMatches('anything', undefined), false);
  });
});
