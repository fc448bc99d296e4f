import http from 'node:http';

/** One HTTP exchange as the load client saw it. */
export interface BenchResponse {
  status: number;
  text: string;
}

/** A keep-alive client bound to one base URL; every request's latency is recorded by the loop. */
export interface BenchClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<BenchResponse>;
}

/** Latency summary of a set of requests (ms). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadResult extends LatencySummary {
  connections: number;
  durationMs: number;
  /** Completed requests per second (every GET, POST, PUT, PATCH counts). */
  rps: number;
  /** Completed loop iterations (e.g. users imported) per second. */
  iterationsPerSecond: number;
  iterations: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

export interface ClosedLoopOptions {
  baseUrl: string;
  connections: number;
  /** Stop starting new iterations after this long. */
  durationMs: number;
  /** Stop after this many iterations in total (bounds the work whatever the speed). */
  maxIterations: number;
  /** Per-request timeout; a timed-out request counts as an error. */
  requestTimeoutMs?: number;
  /** Statuses that are expected answers rather than failures (e.g. 409 in a replay). */
  okStatuses?: number[];
  /** One iteration of a connection: usually an Okta request pair. */
  step: (client: BenchClient, connection: number, iteration: number) => Promise<void>;
}

export function summarise(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) : 0);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0 };
}

const SCIM_HEADERS = {
  Accept: 'application/scim+json',
  'User-Agent': 'Okta SCIM Client 1.0.0',
};

/** What the loop learns from each answer. */
export interface RequestSink {
  record(status: number, ms: number): void;
  error(): void;
}

/** A keep-alive client over `agent`; each answer (or failure) goes to `sink`. */
export function createBenchClient(baseUrl: string, token: string, agent: http.Agent, sink?: RequestSink, timeout = 30_000): BenchClient {
  const base = new URL(baseUrl);
  return {
    request(method, path, body, extra = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { ...SCIM_HEADERS, Authorization: `Bearer ${token}`, ...extra };
      if (method !== 'GET') headers['Content-Type'] = 'application/scim+json; charset=utf-8';
      if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
      const t0 = process.hrtime.bigint();
      return new Promise<BenchResponse>((resolve) => {
        const fail = () => {
          sink?.error();
          resolve({ status: 0, text: '' });
        };
        const req = http.request({ host: base.hostname, port: base.port, method, path: `${base.pathname.replace(/\/$/, '')}${path}`, headers, agent, timeout }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            sink?.record(status, Number(process.hrtime.bigint() - t0) / 1e6);
            resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', fail);
        req.end(payload);
      });
    },
  };
}

/**
 * A closed loop: `connections` workers, each with its own keep-alive socket,
 * each sending its next request only after the previous answer (as Okta's
 * provisioning threads do). Bounded by time and by iteration count.
 */
export async function runClosedLoop(options: ClosedLoopOptions, token: string): Promise<LoadResult> {
  const timeout = options.requestTimeoutMs ?? 30_000;
  const ok = new Set(options.okStatuses ?? []);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let iterations = 0;
  let started = 0;
  const sink: RequestSink = {
    record(status, ms) {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if ((status < 200 || status > 299) && !ok.has(status)) non2xx++;
    },
    error() {
      errors++;
    },
  };

  const t0 = Date.now();
  const deadline = t0 + options.durationMs;
  const workers = Array.from({ length: options.connections }, async (_, connection) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const client = createBenchClient(options.baseUrl, token, agent, sink, timeout);
    let local = 0;
    while (Date.now() < deadline && started < options.maxIterations) {
      started++;
      await options.step(client, connection, local++);
      iterations++;
    }
    agent.destroy();
  });
  await Promise.all(workers);
  const durationMs = Date.now() - t0;
  const s = summarise(latencies);
  return {
    ...s,
    connections: options.connections,
    durationMs,
    rps: (s.count * 1000) / durationMs,
    iterationsPerSecond: (iterations * 1000) / durationMs,
    iterations,
    non2xx,
    errors,
    statuses,
  };
}
