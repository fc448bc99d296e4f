import { createHmac } from 'node:crypto';
import { secretKeyBytes } from './webhook-secret';

/**
 * Standard Webhooks headers (https://www.standardwebhooks.com, "Signature scheme"):
 * `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}` with the secret's key bytes.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', secretKeyBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
