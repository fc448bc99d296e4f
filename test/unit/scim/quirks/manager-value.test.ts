import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseManager } from '../../../../src/scim/quirks/manager-value';

describe('normaliseManager', () => {
  it('turns a string id into the RFC object and a blank or null into a clear', () => {
    assert.deepEqual(normaliseManager('m-1'), { kind: 'set', value: { value: 'm-1' } });
    assert.deepEqual(normaliseManager('  '), { kind: 'clear' });
    assert.deepEqual(normaliseManager(null), { kind: 'clear' });
  });

  it("renames SCIM 1.1's managerId unless a value is also present", () => {
    assert.deepEqual(normaliseManager({ managerId: 'm-2' }), { kind: 'set', value: { value: 'm-2' } });
    assert.deepEqual(normaliseManager({ managerId: 'old', value: 'new' }), { kind: 'set', value: { value: 'new' } });
  });

  it('clears on a blank value or an object of blanks, keeps other data as sent', () => {
    assert.deepEqual(normaliseManager({ value: '', displayName: 'Boss' }), { kind: 'clear' });
    assert.deepEqual(normaliseManager({ displayName: ' ' }), { kind: 'clear' });
    assert.deepEqual(normaliseManager({ displayName: 'Boss' }), { kind: 'set', value: { displayName: 'Boss' } });
    assert.deepEqual(normaliseManager({ Value: 'm', displayName: 'B' }), { kind: 'set', value: { Value: 'm', displayName: 'B' } });
  });

  it('leaves other shapes for validation to judge', () => {
    for (const v of [5, true, ['m'], undefined]) assert.deepEqual(normaliseManager(v), { kind: 'keep' });
  });
});
