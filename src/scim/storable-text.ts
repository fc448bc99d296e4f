/**
 * PostgreSQL cannot store every JavaScript string: `text` rejects U+0000 and
 * `jsonb` rejects `\u0000` and unpaired UTF-16 surrogates (JSON.parse happily
 * yields both from `"\u0000"` or `"\ud800"`). Left to the worker, such a value
 * fails the transaction with a database error that is retried and ends as a
 * 503 (G7: bad input must get a 4xx instead), so it is refused at the edge.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isUnstorableText(s: string): boolean {
  return UNSTORABLE.test(s);
}

/** True when any string (object keys included) inside `value` cannot be stored. Iterative: no stack limit. */
export function containsUnstorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (isUnstorableText(v)) return true;
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (isUnstorableText(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}
