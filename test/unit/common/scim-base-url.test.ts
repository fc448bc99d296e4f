import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scimBaseUrl } from '../../../src/common/scim-base-url';

describe('scimBaseUrl', () => {
  it('is the public URL, /scim/v2/ and the directory id', () => {
    assert.equal(scimBaseUrl('https://sync.example.com', 'd1'), 'https://sync.example.com/scim/v2/d1');
  });

  it('keeps a path prefix of the public URL', () => {
    assert.equal(scimBaseUrl('https://example.com/dirsync', 'x'), 'https://example.com/dirsync/scim/v2/x');
  });
});
