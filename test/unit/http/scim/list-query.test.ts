import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseListQuery } from '../../../../src/http/scim/list-query';
import { ScimError } from '../../../../src/scim/scim-error';

describe('parseListQuery (RFC 7644 §3.4.2.4)', () => {
  it('defaults to startIndex 1 and the default count within the maximum', () => {
    assert.deepEqual(parseListQuery({}, 200), { startIndex: 1, count: 100 });
    assert.deepEqual(parseListQuery({}, 50), { startIndex: 1, count: 50 });
  });

  it('clamps startIndex below 1, negative counts and counts above the maximum', () => {
    assert.deepEqual(parseListQuery({ startIndex: '0', count: '-5' }, 200), { startIndex: 1, count: 0 });
    assert.deepEqual(parseListQuery({ startIndex: '-3', count: '100000' }, 200), { startIndex: 1, count: 200 });
    assert.deepEqual(parseListQuery({ startIndex: ' 7 ', count: '' }, 200), { startIndex: 7, count: 100 });
  });

  it('reads parameter names case-insensitively and the first of repeated values', () => {
    const q = parseListQuery({ Count: '3', STARTINDEX: ['2', '9'], Filter: 'userName eq "a"', ATTRIBUTES: 'userName, emails', excludedattributes: 'groups' }, 200);
    assert.deepEqual(q, { startIndex: 2, count: 3, filter: 'userName eq "a"', attributes: ['userName', 'emails'], excludedAttributes: ['groups'] });
  });

  it('drops a blank filter and refuses non-integers with invalidValue', () => {
    assert.equal('filter' in parseListQuery({ filter: '  ' }, 200), false);
    for (const bad of ['1.5', 'ten', '1e3', '9999999999999']) {
      assert.throws(() => parseListQuery({ count: bad }, 200), (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidValue', bad);
    }
  });
});
