import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import { followClusterPrimary, shouldFork } from '../../../src/ops/cluster-launcher';

describe('cluster launcher', () => {
  it('forks only in the primary and only for WEB_CONCURRENCY > 1', () => {
    assert.equal(cluster.isPrimary, true);
    assert.equal(shouldFork(1), false);
    assert.equal(shouldFork(0), false);
    assert.equal(shouldFork(2), true);
  });

  it('leaves the signals alone outside a forked web process', () => {
    const before = process.listeners('SIGTERM').length;
    let called = false;
    followClusterPrimary(async () => void (called = true));
    assert.equal(process.listeners('SIGTERM').length, before);
    assert.equal(called, false);
  });
});
