import type { ScimFault } from './scim-error';

/**
 * A SCIM attribute or PATCH path as the rejected-request record may keep it: names
 * stay, every comparison value inside a value filter becomes `…` (`emails[value eq
 * "ann@example.com"].type` → `emails[value eq "…"].type`). The record must never hold
 * a client value (docs/admin-portal.md, "Rejected"), and a filter literal is one.
 * Text that is not made of path tokens (names, URNs, brackets, operators, literals)
 * gives undefined: the record then names no attribute rather than keep unknown text.
 */
const NAME = /^[A-Za-z0-9_$:.\-]+$/;
const OPERATOR = /^(eq|ne|co|sw|ew|gt|ge|lt|le)$/i;
const MAX = 200;

export function redactScimPath(raw: string): string | undefined {
  if (raw.length > 2000) return undefined;
  let out = '';
  let depth = 0;
  let afterOperator = false;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
      out += '"…"';
      i = j + 1;
      afterOperator = false;
      continue;
    }
    if (/\s/.test(c)) {
      if (!out.endsWith(' ')) out += ' ';
      i++;
      continue;
    }
    if (c === '[' || c === ']' || c === '(' || c === ')') {
      depth += c === '[' ? 1 : c === ']' ? -1 : 0;
      if (depth < 0) return undefined;
      out += c;
      i++;
      continue;
    }
    const word = /^[^\s"[\]()]+/.exec(raw.slice(i))?.[0] ?? c;
    i += word.length;
    if (depth > 0 && afterOperator) {
      // An unquoted comparison value (a number, true, false, null, or a client's typo): never kept.
      out += '…';
      afterOperator = false;
      continue;
    }
    if (!NAME.test(word)) return undefined;
    out += word;
    afterOperator = depth > 0 && OPERATOR.test(word);
  }
  if (depth !== 0) return undefined;
  const trimmed = out.trim();
  if (!trimmed) return undefined;
  return trimmed.length > MAX ? `${trimmed.slice(0, MAX)}…` : trimmed;
}

/**
 * The fault of an error about `raw` (a path the client sent): the redacted path, and a
 * detail that names the redacted path instead of the raw one (`detail(shown)`).
 */
export function pathFault(raw: string, detail: (shown: string) => string): ScimFault {
  const attribute = redactScimPath(raw);
  return attribute !== undefined ? { attribute, detail: detail(attribute) } : { detail: detail('(path)') };
}
