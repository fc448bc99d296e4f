import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { StoredEvent } from '../events/event-types';
import { webhookLoopbackAllowed } from '../config/config';
import { signWebhook } from './webhook-signature';
import { PermanentDeliveryError, RetryableDeliveryError, parseRetryAfter } from './delivery-errors';
import { DestinationRefused, pinnedLookup, type Resolver } from './pinned-lookup';
import { addressRefusal, bareHost } from './webhook-address-policy';

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

export interface SendOptions {
  /** WEBHOOK_ALLOW_LOOPBACK; read from the environment when absent. */
  allowLoopback?: boolean;
  /** Tests inject a (rebinding) resolver; the system resolver otherwise. */
  resolve?: Resolver;
}

/** POSTs one event; returns the HTTP status on 2xx, throws a classified error otherwise. */
export async function postWebhook(url: string, secret: string, event: StoredEvent, timeoutMs: number): Promise<number> {
  return sendWebhook(url, secret, event, timeoutMs, {});
}

/**
 * Stored and returned failure texts are generic on purpose: they must not tell a
 * refused port from a filtered one or an unknown host (that would make webhooks a
 * scanner of whatever the worker can reach).
 */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

class WebhookTimeout extends Error {}

/** postWebhook with its policy made explicit (tests); the address is checked and pinned at connect time. */
export async function sendWebhook(url: string, secret: string, event: StoredEvent, timeoutMs: number, options: SendOptions): Promise<number> {
  const allowLoopback = options.allowLoopback ?? webhookLoopbackAllowed();
  const target = new URL(url);
  // net.connect skips `lookup` for IP literals, so those are judged here; names are judged by the pinned lookup.
  const host = bareHost(target);
  if (net.isIP(host) !== 0 && addressRefusal(host, { allowLoopback }) !== undefined) throw new PermanentDeliveryError('destination address not allowed', null);
  const body = webhookBody(event);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'dirsync-webhooks/1',
    ...signWebhook(secret, event.id, Math.floor(Date.now() / 1000), body),
  };
  const lookup = pinnedLookup({ allowLoopback, ...(options.resolve ? { resolve: options.resolve } : {}) });
  const client = target.protocol === 'https:' ? https : http;
  let status: number;
  let retryAfter: string | undefined;
  try {
    ({ status, retryAfter } = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const req = client.request(target, { method: 'POST', headers, lookup, agent: false, timeout: timeoutMs }, (res) => {
        const header = res.headers['retry-after'];
        // Drain the body; we never store or log it.
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(header) ? header[0] : header }));
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new WebhookTimeout()), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new WebhookTimeout()));
      req.on('error', reject);
      req.end(body);
    }));
  } catch (err) {
    if (err instanceof DestinationRefused) throw new PermanentDeliveryError('destination address not allowed', null);
    if (err instanceof WebhookTimeout) throw new RetryableDeliveryError('timeout', null);
    const code = String((err as { code?: unknown }).code ?? '');
    throw new RetryableDeliveryError(TLS_CODES.test(code) ? 'TLS failed' : 'connection failed', null);
  }
  if (status >= 200 && status < 300) return status;
  const label = `HTTP ${Math.floor(status / 100)}xx`;
  if (status === 429 || status === 503) throw new RetryableDeliveryError(label, status, parseRetryAfter(retryAfter ?? null));
  if (status === 408 || status >= 500) throw new RetryableDeliveryError(label, status);
  // 3xx (redirects are not followed: the signed request must reach the configured URL) and other 4xx.
  throw new PermanentDeliveryError(label, status);
}
