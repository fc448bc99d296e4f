import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens look like `dsk_<43 base64url chars>`: 256 random bits behind a recognisable prefix (secret scanners). */
export const TOKEN_PREFIX = 'dsk_';

export interface IssuedToken {
  /** The secret, shown exactly once. */
  token: string;
  /** SHA-256 of the secret: the only thing stored. */
  hash: Buffer;
  /** First characters, safe to display so an admin can tell tokens apart. */
  displayPrefix: string;
}

export function issueToken(): IssuedToken {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), displayPrefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of two SHA-256 digests. */
export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
