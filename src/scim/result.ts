import type { ScimError } from './scim-error';

/**
 * Outcome of a parser or validator. Parsers in the SCIM model never throw for
 * bad client input: they return `{ ok: false, error }` so the HTTP layer can
 * map the {@link ScimError} to a SCIM error response (RFC 7644 §3.12).
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ScimError };

/** Wraps a successful value. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps a failure. */
export function err(error: ScimError): { ok: false; error: ScimError } {
  return { ok: false, error };
}
