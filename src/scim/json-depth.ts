/**
 * True when `value` nests arrays/objects deeper than `maxDepth` (a scalar has
 * depth 0, `{}` depth 1). Iterative on purpose: a hostile body such as
 * `[[[[...]]]]` must not overflow the stack of the process checking it.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const { v, d } = top;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > maxDepth) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) {
      if (c !== null && typeof c === 'object') stack.push({ v: c, d: depth });
    }
  }
  return false;
}
