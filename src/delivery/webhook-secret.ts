import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The HMAC key inside a `whsec_<base64>` secret. */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

const ENC_PREFIX = 'enc1:';

/**
 * Seals a secret for storage. With DELIVERY_SECRET_KEY set, AES-256-GCM under the
 * key's SHA-256; without it the secret is stored as is (it still never leaves the
 * server after creation: not returned, not logged).
 */
export function sealSecret(secret: string, key: string | undefined): string {
  if (!key) return secret;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(key).digest(), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ENC_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openSecret(stored: string, key: string | undefined): string {
  if (!stored.startsWith(ENC_PREFIX)) return stored;
  if (!key) throw new Error('webhook secret is encrypted but DELIVERY_SECRET_KEY is not set');
  const raw = Buffer.from(stored.slice(ENC_PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', createHash('sha256').update(key).digest(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
