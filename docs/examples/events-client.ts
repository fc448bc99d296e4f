/**
 * A typed client for dirsync's events API, from types generated out of the
 * OpenAPI description (docs/delivery.md):
 *
 *   npx openapi-typescript@7 docs/openapi.json -o docs/examples/admin-api.d.ts
 *
 * test/admin/openapi.test.ts type-checks this file and runs it against a live server.
 */
import type { components, paths } from './admin-api';

type EventsOperation = paths['/api/v1/organizations/{organizationId}/events']['get'];
export type EventsQuery = NonNullable<EventsOperation['parameters']['query']>;
export type EventPage = EventsOperation['responses'][200]['content']['application/json'];
export type DirsyncEvent = components['schemas']['Event'];
type ApiError = components['schemas']['ApiErrorBody'];

export interface EventsClientOptions {
  baseUrl: string; // e.g. https://dirsync.example.com
  apiKey: string; // ADMIN_API_KEY
  organizationId: string;
}

/** One page of events after `query.cursor` (the start of the feed without one). */
export async function fetchEventPage(opts: EventsClientOptions, query: EventsQuery = {}): Promise<EventPage> {
  const url = new URL(`/api/v1/organizations/${encodeURIComponent(opts.organizationId)}/events`, opts.baseUrl);
  if (query.cursor !== undefined) url.searchParams.set('cursor', query.cursor);
  if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
  const res = await fetch(url, { headers: { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json()) as ApiError;
    throw new Error(`events API ${res.status}: ${body.error.code}: ${body.error.message}`);
  }
  return (await res.json()) as EventPage;
}

/**
 * Reads every event after `cursor`, in order, and hands each to `handle`; returns the
 * cursor to store (with the app's own data, after `handle` committed) for the next run.
 */
export async function drainEvents(opts: EventsClientOptions, cursor: string | undefined, handle: (event: DirsyncEvent) => Promise<void>): Promise<string | undefined> {
  for (;;) {
    const page = await fetchEventPage(opts, { ...(cursor === undefined ? {} : { cursor }), limit: 100 });
    for (const event of page.data) await handle(event);
    cursor = page.nextCursor;
    if (!page.hasMore) return cursor;
  }
}
