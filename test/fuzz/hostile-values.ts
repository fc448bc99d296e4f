import type { Prng } from './prng';

/** Strings that broke other parsers: SQL, traversal, unicode, control characters, format strings. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  "' OR '1'='1",
  '"; DROP TABLE users; --',
  "x' UNION SELECT token_hash FROM directory_tokens --",
  '\\',
  '\\"',
  '%00',
  '\u0000',
  '\u0000nul-inside',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '\u202e\u0644\u0627',
  '𝕛𝕒𝕟𝕖@example.com',
  'ǰane@example.com',
  'ＪＡＮＥ@EXAMPLE.COM',
  '\ud800',
  '\udfff lone surrogate',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '%s%s%s%n',
  'a+b@example.com',
  'a%2Bb@example.com',
  '\r\nX-Injected: 1',
  '<script>alert(1)</script>',
  'NaN',
  'undefined',
  'null',
  'true',
  '0x7fffffff',
  '-1',
  '1e309',
  'userName eq "x"',
  'members[value eq "x"]',
  'urn:ietf:params:scim:schemas:core:2.0:User',
];

/**
 * Text of a JSON string literal (between the quotes) as written into a SCIM filter or PATCH path:
 * the escapes decode to NUL, lone surrogates, quotes or valid pairs only inside the filter parser.
 */
export const ESCAPED_LITERALS: readonly string[] = [
  'a\\u0000b',
  '\\u0000',
  '\\ud800',
  'x\\udfff',
  '\\ud83d',
  '\\uD83D\\uDE00',
  '\\udc00\\ud800',
  '\\"',
  'a\\\\b',
  '\\n\\t',
  '\\u00e9t\\u00e9',
  '\\u',
  '\\uzzzz',
  '\\x41',
  '\\u0000\\u0000\\u0000',
  'work',
];

/** Dates in and out of PostgreSQL's timestamptz range, and impossible ones. */
export const DATE_LITERALS: readonly string[] = [
  '0000-01-01',
  '0000-12-31T23:59:59Z',
  '0001-01-01T00:00:00+01:00',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-01:00',
  '2011-02-30',
  '2011-13-01',
  '2020-01-01T24:00:00Z',
  '00000-01-01',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2024-02-29T12:00:00.123456789Z',
  '2011-05-13T04:42:34Z',
  '1969-12-31T23:59:59.999Z',
  '2011-05-13T04:42:34\\u0000Z',
];

/** A value of any JSON type, often hostile. */
export function hostileValue(rng: Prng, depth = 0): unknown {
  return rng.weighted<() => unknown>([
    [6, () => rng.pick(HOSTILE_STRINGS)],
    [2, () => 'x'.repeat(rng.pick([256, 4096, 70_000]))],
    [2, () => rng.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER, 2 ** 64])],
    [2, () => rng.pick([true, false, null])],
    [1, () => (depth < 3 ? [hostileValue(rng, depth + 1), hostileValue(rng, depth + 1)] : [])],
    [1, () => (depth < 3 ? { value: hostileValue(rng, depth + 1), [rng.pick(HOSTILE_STRINGS)]: hostileValue(rng, depth + 1) } : {})],
    [1, () => nested(rng.pick([20, 40, 200]))],
  ])();
}

/** Arrays nested `depth` levels. */
export function nested(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Replaces, deletes or adds a key somewhere in a JSON value (returns a new value). */
export function mutate(rng: Prng, value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (!value.length || rng.chance(0.2)) return rng.chance(0.5) ? hostileValue(rng) : [...value, hostileValue(rng)];
    const i = rng.int(value.length);
    return value.map((v, j) => (j === i ? mutate(rng, v, depth + 1) : v));
  }
  if (value && typeof value === 'object') {
    const obj = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(obj);
    const action = keys.length ? rng.int(5) : 3;
    const key = keys.length ? rng.pick(keys) : 'x';
    if (action === 0) delete obj[key];
    else if (action === 1 || action === 2) obj[key] = depth < 4 && rng.chance(0.5) ? mutate(rng, obj[key], depth + 1) : hostileValue(rng);
    else if (action === 3) obj[rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : key.toUpperCase()] = hostileValue(rng);
    else obj[key] = null;
    return obj;
  }
  return hostileValue(rng);
}
