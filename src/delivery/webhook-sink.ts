import type { StoredEvent } from '../events/event-types';
import { signWebhook } from './webhook-signature';
import { PermanentDeliveryError, RetryableDeliveryError, parseRetryAfter } from './delivery-errors';

/**
 * The webhook body: what a receiving app needs to apply events itself (dedup by
 * `id`, which is also `webhook-id`; monotonic apply by `resource.version`).
 */
export function webhookBody(event: StoredEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    organizationId: event.organizationId,
    directoryId: event.directoryId,
    sequence: event.seq,
    resource: { type: event.resourceType, id: event.resourceId, version: event.resourceVersion },
    data: event.data,
  });
}

/** POSTs one event; returns the HTTP status on 2xx, throws a classified error otherwise. */
export async function postWebhook(url: string, secret: string, event: StoredEvent, timeoutMs: number): Promise<number> {
  const body = webhookBody(event);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'dirsync-webhooks/1',
    ...signWebhook(secret, event.id, Math.floor(Date.now() / 1000), body),
  };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new RetryableDeliveryError(timedOut ? `timeout after ${timeoutMs} ms` : `network error: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'unknown'}`, null);
  }
  // Drain the body so the connection is reused; we never store or log it.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return res.status;
  if (res.status === 429 || res.status === 503) {
    throw new RetryableDeliveryError(`HTTP ${res.status}`, res.status, parseRetryAfter(res.headers.get('retry-after')));
  }
  if (res.status === 408 || res.status >= 500) throw new RetryableDeliveryError(`HTTP ${res.status}`, res.status);
  // 3xx (redirects are not followed: the signed request must reach the configured URL) and other 4xx.
  throw new PermanentDeliveryError(`HTTP ${res.status}`, res.status);
}
