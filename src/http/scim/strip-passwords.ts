/**
 * Okta always sends a `password` (a placeholder when password sync is off).
 * We never store it, so it must not reach Redis either: strip it before the
 * body is enqueued. Covers a top-level `password`, PATCH operations whose path
 * is `password`, and `password` inside a path-less PATCH value.
 */
export function stripPasswords(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'password') continue;
    // A password operation becomes an empty path-less replace (a no-op), not nothing: a PatchOp that only
    // sets the password must still be a valid request (200, nothing stored), not a 400 "Operations is empty".
    if (key.toLowerCase() === 'operations' && Array.isArray(value)) copy[key] = value.map((op) => (isPasswordOp(op) ? { op: 'replace', value: {} } : stripPasswordValue(op)));
    else copy[key] = value;
  }
  return copy;
}

function isPasswordOp(op: unknown): boolean {
  if (typeof op !== 'object' || op === null) return false;
  const path = Object.entries(op).find(([k]) => k.toLowerCase() === 'path')?.[1];
  return typeof path === 'string' && path.trim().toLowerCase() === 'password';
}

function stripPasswordValue(op: unknown): unknown {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) return op;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(op)) {
    out[k] = k.toLowerCase() === 'value' && typeof v === 'object' && v !== null && !Array.isArray(v) ? stripPasswords(v) : v;
  }
  return out;
}
