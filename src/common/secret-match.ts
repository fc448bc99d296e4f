import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();

/** Constant-time check of a presented secret against the configured one (digests have equal length). */
export function secretMatches(presented: string, expected: string | undefined): boolean {
  if (!expected) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}
