import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactScimPath } from '../../../src/scim/redact-scim-path';

describe('redactScimPath: attribute and PATCH paths without client values', () => {
  it('keeps plain attribute paths and URNs as they are', () => {
    assert.equal(redactScimPath('name.givenName'), 'name.givenName');
    assert.equal(redactScimPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value'), 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value');
  });

  it('replaces every string literal of a value filter', () => {
    assert.equal(redactScimPath('emails[value eq "ann@example.com"].type'), 'emails[value eq "…"].type');
    assert.equal(redactScimPath('emails[type eq "work" and value co "secret\\"quoted"]'), 'emails[type eq "…" and value co "…"]');
    assert.equal(redactScimPath('members[value eq "MARK"]'), 'members[value eq "…"]');
  });

  it('replaces unquoted comparison values (numbers, booleans, typos)', () => {
    assert.equal(redactScimPath('emails[primary eq true]'), 'emails[primary eq …]');
    assert.equal(redactScimPath('x[a gt 12345]'), 'x[a gt …]');
    assert.equal(redactScimPath('emails[value eq MARKER123]'), 'emails[value eq …]');
  });

  it('gives undefined for text that is not a path (never keeps unknown text)', () => {
    assert.equal(redactScimPath('emails[value eq "x"'), undefined);
    assert.equal(redactScimPath('a]b'), undefined);
    assert.equal(redactScimPath('who@example.com'), undefined);
    assert.equal(redactScimPath('   '), undefined);
    assert.equal(redactScimPath('{"a":1}'), undefined);
  });

  it('an unterminated literal is still redacted, and long paths are cut', () => {
    assert.equal(redactScimPath('emails[value eq "SECRET'), undefined);
    assert.ok(!String(redactScimPath('emails[value eq "SECRET"]')).includes('SECRET'));
    assert.ok((redactScimPath(`a${'b'.repeat(500)}`) ?? '').length <= 201);
  });
});
