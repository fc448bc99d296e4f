import { Token, Tokens, parseFilter as parseTokenList } from 'scim2-parse-filter/lib/src/parser';
import type { Filter } from 'scim2-parse-filter';

/**
 * Grammar front end over `scim2-parse-filter` (RFC 7644 §3.4.2.2).
 *
 * We reuse the package's recursive-descent parser (`parseFilter` over a
 * token list) but feed it our own tokens, because its tokenizer and one
 * grammar shortcut are unsound:
 *
 * 1. Its tokenizer doubles every backslash not followed by `"` before
 *    `JSON.parse`, so `"a\\b"` yields `a\\b` instead of `a\b` and `"\n"` a
 *    literal backslash-n. RFC 7644 §3.4.2.2 says compValue strings are JSON
 *    strings (RFC 7159), so we keep the raw JSON literal.
 * 2. It turns `emails[type eq "work"].value eq "x"` into
 *    `emails[type eq "work"] and emails.value eq "x"`, which matches a user
 *    whose *work* email is anything and whose *home* email is "x". We rewrite
 *    the tokens to `emails[(type eq "work") and value eq "x"]` instead, which
 *    binds both conditions to the same element.
 * 3. Its recursion has no depth limit; we reject deep nesting before parsing.
 */

// Same token classes as the package's tokenizer (whitespace, number, JSON
// string, bracket, word), minus the backslash rewrite.
const PATTERN =
  /^(?:(\s+)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![-\w._:/)\s]))|("(?:[^"\\]|\\.)*")|([[()]|]\.?)|(\w[-\w._:/%$]*))/;

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);

/** Tokenises a filter; throws `Error` on characters outside the grammar. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let rest = text;
  let m: RegExpExecArray | null;
  while (rest.length > 0 && (m = PATTERN.exec(rest)) !== null && m[0].length > 0) {
    if (m[2]) out.push({ type: 'Number', literal: m[2] });
    else if (m[3]) out.push({ type: 'Quoted', literal: m[3] });
    else if (m[4]) out.push({ type: 'Bracket', literal: m[4] });
    else if (m[5]) out.push({ type: 'Word', literal: m[5] });
    rest = rest.slice(m[0].length);
  }
  if (rest.length !== 0) throw new Error(`unexpected input at '${rest.slice(0, 20)}'`);
  return out;
}

/** Rewrites `attr[F].sub op value` to `attr[(F) and sub op value]` (see point 2 above). */
export function rewriteSubAttributeAfterValuePath(tokens: Token[]): Token[] {
  const out: Token[] = [];
  const openIdx: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'Bracket' && t.literal === '[') openIdx.push(out.length);
    if (t.type === 'Bracket' && t.literal === '].') {
      const open = openIdx.pop();
      const sub = tokens[i + 1];
      const op = tokens[i + 2];
      if (open === undefined || sub?.type !== 'Word' || op?.type !== 'Word') throw new Error("invalid sub-attribute after ']'");
      const opName = op.literal.toLowerCase();
      const taken = COMPARE_OPS.has(opName) ? 3 : opName === 'pr' ? 2 : -1;
      if (taken < 0) throw new Error(`unknown operator '${op.literal}'`);
      const operand = taken === 3 ? tokens[i + 3] : undefined;
      if (taken === 3 && operand === undefined) throw new Error('missing comparison value');
      out.splice(open + 1, 0, { type: 'Bracket', literal: '(' });
      out.push({ type: 'Bracket', literal: ')' }, { type: 'Word', literal: 'and' }, sub, op);
      if (operand) out.push(operand);
      out.push({ type: 'Bracket', literal: ']' });
      i += taken;
      continue;
    }
    if (t.type === 'Bracket' && t.literal === ']') openIdx.pop();
    out.push(t);
  }
  return out;
}

/** Maximum nesting of `(` and `[` accepted before the recursive parser runs. */
function nestingDepth(tokens: Token[]): number {
  let depth = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.type !== 'Bracket') continue;
    if (t.literal === '(' || t.literal === '[') max = Math.max(max, ++depth);
    else depth--;
  }
  return max;
}

/**
 * Parses filter text into the package's AST. Throws `Error` for invalid
 * syntax (the caller maps it to `invalidFilter`).
 */
export function parseFilterSyntax(text: string, maxNesting: number): Filter {
  const tokens = rewriteSubAttributeAfterValuePath(tokenize(text));
  if (nestingDepth(tokens) > maxNesting) throw new Error('filter is nested too deeply');
  tokens.push({ type: 'EOT', literal: '' });
  const list = new Tokens(tokens);
  const ast = parseTokenList(list);
  if (list.peek().type !== 'EOT') throw new Error(`unexpected token '${list.peek().literal}'`);
  return ast;
}
