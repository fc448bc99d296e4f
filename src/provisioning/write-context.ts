import type { Knex } from 'knex';
import type { NewEvent } from '../events/event-types';
import type { ScimResult } from '../scim/write-outcome';
import { ScimError } from '../scim/scim-error';
import { etagFor } from '../scim/render-resource';

/** What every write use-case gets: its transaction and its tenant. Never shared between requests. */
export interface WriteContext {
  trx: Knex.Transaction;
  directoryId: string;
  organizationId: string;
  operationId: string;
  baseUrl: string;
}

/** What a use-case returns; the caller records it with the operation and the events in the same transaction. */
export interface WriteOutcome {
  result: ScimResult;
  resourceId: string | null;
  events: NewEvent[];
}

/**
 * If-Match (RFC 7644 §3.14, RFC 7232 §3.1): `*` or a list of entity tags; weak
 * comparison. A mismatch is 412 and nothing is applied.
 */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined) return;
  const wanted = ifMatch.split(',').map((t) => t.trim());
  if (wanted.includes('*')) return;
  const current = etagFor(version).replace(/^W\//, '');
  if (!wanted.some((t) => t.replace(/^W\//, '') === current)) {
    throw new ScimError(412, `Resource version is ${etagFor(version)}; If-Match did not match.`);
  }
}

export function notFound(resourceType: 'User' | 'Group', id: string): ScimError {
  return new ScimError(404, `${resourceType} ${JSON.stringify(id.slice(0, 100))} not found`, undefined, { detail: `${resourceType} not found` });
}
