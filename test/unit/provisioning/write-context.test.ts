import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkIfMatch, notFound } from '../../../src/provisioning/write-context';
import { ScimError } from '../../../src/scim/scim-error';

const refused = (ifMatch: string, version: number) =>
  assert.throws(() => checkIfMatch(ifMatch, version), (e: unknown) => e instanceof ScimError && e.status === 412 && e.message.includes(`W/"${version}"`), `${ifMatch} vs ${version}`);

describe('checkIfMatch (RFC 7644 §3.14, weak comparison)', () => {
  it('passes without If-Match and for *', () => {
    assert.doesNotThrow(() => checkIfMatch(undefined, 3));
    assert.doesNotThrow(() => checkIfMatch('*', 3));
    assert.doesNotThrow(() => checkIfMatch('W/"1", *', 3));
  });

  it('matches the current version, weak or strong, in a list', () => {
    assert.doesNotThrow(() => checkIfMatch('W/"3"', 3));
    assert.doesNotThrow(() => checkIfMatch('"3"', 3));
    assert.doesNotThrow(() => checkIfMatch(' W/"1" , W/"3" ', 3));
  });

  it('refuses any other version with 412', () => {
    refused('W/"2"', 3);
    refused('"30"', 3);
    refused('3', 3);
    refused('', 3);
  });
});

describe('notFound', () => {
  it('is a 404 naming the resource, with the id quoted and bounded', () => {
    const e = notFound('User', 'abc');
    assert.deepEqual([e.status, e.message], [404, 'User "abc" not found']);
    const long = notFound('Group', 'x'.repeat(1000) + '"<');
    assert.ok(long.message.length < 130);
    assert.match(long.message, /^Group "x+" not found$/);
  });
});
