import { DestinationRefused, allowedAddresses, type Resolver } from './pinned-lookup';
import net from 'node:net';
import { addressRefusal, bareHost } from './webhook-address-policy';

export interface WebhookUrlOptions {
  /** WEBHOOK_ALLOW_LOOPBACK (development and tests only). */
  allowLoopback: boolean;
  /** Tests inject a resolver; the system resolver otherwise. */
  resolve?: Resolver;
}

/**
 * Checks a webhook URL at registration: HTTPS (plain HTTP only to loopback, only
 * with WEBHOOK_ALLOW_LOOPBACK, never in production), no credentials, and a host
 * whose every address is public unicast (webhook-address-policy.ts). The same
 * check runs again at connect time (webhook-sink.ts), on the address the socket uses.
 */
export async function checkWebhookUrl(raw: string, env: 'development' | 'production' | 'test', options: WebhookUrlOptions): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.username || url.password) return 'url must not contain credentials';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must use https';
  const host = bareHost(url);
  // Loopback: `localhost`, or an IP literal that only the development switch allows (not a name like 127.example.com).
  const loopbackName = host === 'localhost' || (net.isIP(host) !== 0 && addressRefusal(host, { allowLoopback: true }) === undefined && addressRefusal(host, { allowLoopback: false }) !== undefined);
  if (url.protocol === 'http:' && (env === 'production' || !options.allowLoopback || !loopbackName)) return 'url must use https';
  try {
    await allowedAddresses(host, options);
  } catch (error) {
    if (error instanceof DestinationRefused) return 'url must point to a public internet address (private, loopback, link-local and metadata addresses are refused)';
    return 'url host does not resolve';
  }
  return undefined;
}
