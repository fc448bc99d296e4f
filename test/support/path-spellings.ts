/** Every spelling of a path an attacker may try: case, slashes, dot segments, percent-encoding. */
export function spellingVariants(path: string): string[] {
  const segments = path.split('/').slice(1);
  const join = (segs: string[]) => `/${segs.join('/')}`;
  const variants = new Set<string>([path.toUpperCase(), `${path}/`, `/${path}`, `${path}//`]);
  segments.forEach((segment, i) => {
    if (/[a-z]/.test(segment)) {
      variants.add(join(segments.map((s, j) => (j === i ? s.toUpperCase() : s))));
      variants.add(join(segments.map((s, j) => (j === i ? s[0]!.toUpperCase() + s.slice(1) : s))));
    }
    if (/^[A-Za-z]/.test(segment)) {
      const encoded = `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
      variants.add(join(segments.map((s, j) => (j === i ? encoded : s))));
      variants.add(join(segments.map((s, j) => (j === i ? `%${segment.charCodeAt(0).toString(16).toUpperCase()}${segment.slice(1)}` : s))));
    }
    const before = segments.slice(0, i + 1);
    const rest = segments.slice(i + 1);
    variants.add(join([...before, '.', ...rest]));
    variants.add(join([...before, '%2e', ...rest]));
    variants.add(join([...before, 'x', '..', ...rest]));
    variants.add(join([...before, 'x', '%2E%2E', ...rest]));
    variants.add(join([...before, '', ...rest]));
    if (i < segments.length - 1) variants.add(`${join(before)}\\${rest.join('/')}`);
    if (i < segments.length - 1) variants.add(`${join(before)}%2F${rest.join('/')}`);
  });
  variants.delete(path);
  return [...variants];
}
