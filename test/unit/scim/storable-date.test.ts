import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStorableInstant } from '../../../src/scim/storable-date';

describe('isStorableInstant', () => {
  it('accepts years 0001 to 9999 inclusive, to the millisecond', () => {
    assert.equal(isStorableInstant(Date.parse('0001-01-01T00:00:00.000Z')), true);
    assert.equal(isStorableInstant(Date.parse('9999-12-31T23:59:59.999Z')), true);
    assert.equal(isStorableInstant(Date.parse('2024-02-29T12:00:00Z')), true);
  });

  it('refuses year 0, year 10000 and non-finite values', () => {
    assert.equal(isStorableInstant(Date.parse('0001-01-01T00:00:00.000Z') - 1), false);
    assert.equal(isStorableInstant(Date.parse('9999-12-31T23:59:59.999Z') + 1), false);
    for (const v of [NaN, Infinity, -Infinity]) assert.equal(isStorableInstant(v), false);
  });
});
