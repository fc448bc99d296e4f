import type { Result } from '../scim/result';

/** Inside a write transaction a parse failure aborts the whole operation: throw its ScimError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
