import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { announceAuthChange, onLocalAuthChange } from '../../../src/store/auth-changes';

describe('local auth changes', () => {
  it('tells every listener, synchronously, until it unsubscribes', () => {
    const a: string[] = [];
    const b: string[] = [];
    const offA = onLocalAuthChange((p) => a.push(p));
    const offB = onLocalAuthChange((p) => b.push(p));
    announceAuthChange('dir:1');
    assert.deepEqual([a, b], [['dir:1'], ['dir:1']], 'heard before announce returns');
    offA();
    announceAuthChange('org:2');
    offB();
    announceAuthChange('dir:3');
    assert.deepEqual([a, b], [['dir:1'], ['dir:1', 'org:2']]);
  });
});
