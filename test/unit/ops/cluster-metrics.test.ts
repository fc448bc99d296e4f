import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { processMetricsText } from '../../../src/ops/cluster-metrics';

describe('processMetricsText', () => {
  it("outside a cluster, is this process's registry as text", async () => {
    const registry = new Registry();
    new Counter({ name: 'unit_tier_total', help: 'h', registers: [registry] }).inc(3);
    assert.match(await processMetricsText(registry), /unit_tier_total 3/);
  });
});
