import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQ = 'dirsync:cluster-metrics-req';
const RES = 'dirsync:cluster-metrics-res';

interface MetricsRequest {
  type: typeof REQ;
  id: string;
}
interface MetricsResponse {
  type: typeof RES;
  id: string;
  text?: string;
  error?: string;
}

const isRequest = (m: unknown): m is MetricsRequest => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === REQ;
const isResponse = (m: unknown): m is MetricsResponse => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === RES;

/**
 * Primary side: answers a worker's request with the metrics of every web
 * process of the dyno summed (prom-client's AggregatorRegistry), so a scrape
 * that lands on any one process sees the whole dyno's SCIM traffic.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isRequest(message)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RES, id: message.id, text } satisfies MetricsResponse),
      (err: Error) => worker.send({ type: RES, id: message.id, error: err.message } satisfies MetricsResponse),
    );
  });
}

/**
 * Worker side: the process registry is what this process contributes; the
 * text comes back from the primary, summed over the cluster. Outside a cluster
 * it is just this registry's text.
 */
export function processMetricsText(registry: Registry, timeoutMs = 6000): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  // Registers prom-client's worker-side listener and says which registry to report.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const id = randomUUID();
  return new Promise<string>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isResponse(message) || message.id !== id) return;
      done();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'cluster metrics failed'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('cluster metrics timed out'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: REQ, id } satisfies MetricsRequest);
  });
}
