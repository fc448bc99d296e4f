/**
 * Okta's SCIM client as the chaos run needs it: Okta's headers (docs/okta.md), and
 * Okta's retry behaviour: a 503 or 429 is retried with the identical request after
 * Retry-After (capped so a run stays short), and so is a connection error; attempts
 * and total time per request are bounded.
 */
import { oktaHeaders } from '../test/support/okta-bodies';
export interface OktaResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the workload reads arbitrary SCIM JSON
  body: any;
}

export interface OktaClientStats {
  requests: number;
  retried503: number;
  retried429: number;
  retriedNetwork: number;
  /** Unexpected 5xx other than 503 (the service promises none). */
  other5xx: number;
}

export interface OktaClient {
  call(method: string, pathAndQuery: string, body?: unknown): Promise<OktaResponse>;
  stats: OktaClientStats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function oktaClient(scimUrl: string, token: string, opts: { maxAttempts?: number; maxRetryAfterSeconds?: number; deadlineMs?: number } = {}): OktaClient {
  const maxAttempts = opts.maxAttempts ?? 40;
  const maxWait = opts.maxRetryAfterSeconds ?? 3;
  const deadlineMs = opts.deadlineMs ?? 180_000;
  const stats: OktaClientStats = { requests: 0, retried503: 0, retried429: 0, retriedNetwork: 0, other5xx: 0 };
  const call = async (method: string, pathAndQuery: string, body?: unknown): Promise<OktaResponse> => {
    const until = Date.now() + deadlineMs;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let last = '';
    for (let attempt = 1; attempt <= maxAttempts && Date.now() < until; attempt++) {
      stats.requests++;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${scimUrl}${pathAndQuery}`, {
          method,
          headers: oktaHeaders(token, method),
          ...(payload === undefined ? {} : { body: payload }),
          signal: AbortSignal.timeout(40_000),
        });
        text = await res.text();
      } catch (err) {
        stats.retriedNetwork++;
        last = `network: ${err instanceof Error ? err.message : String(err)}`;
        await sleep(1000);
        continue;
      }
      if (res.status === 503 || res.status === 429) {
        if (res.status === 503) stats.retried503++;
        else stats.retried429++;
        last = `HTTP ${res.status}`;
        const after = Number(res.headers.get('retry-after') ?? 1);
        await sleep(Math.min(Number.isFinite(after) && after > 0 ? after : 1, maxWait) * 1000);
        continue;
      }
      if (res.status >= 500) stats.other5xx++;
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }
    throw new Error(`${method} ${pathAndQuery.split('?')[0]}: no answer after bounded retries (last: ${last})`);
  };
  return { call, stats };
}
