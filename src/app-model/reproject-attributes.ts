import type { Db } from '../store/db';
import type { CommittedEvent, NewEvent } from '../events/event-types';
import { EventStore } from '../store/event-store';
import { renderUser } from '../scim/render-resource';
import { scimBaseUrl } from '../common/scim-base-url';
import { AttributeReprojectionStore, type DirectoryUserRow } from './attribute-reprojection-store';

export interface ReprojectionBatch {
  organizationId: string;
  /** Users given an event in this batch. */
  written: number;
  finished: boolean;
  /** The directories that got events (to wake the outbox drainer). */
  committed: CommittedEvent[];
}

/**
 * One bounded step of a re-projection after a mapping change, in ONE transaction:
 * lock the organization's running re-projection (SKIP LOCKED: two workers never
 * share one), read its next `batchSize` users by (directory_id, seq), append one
 * `user.attributes_changed` event per user to the outbox (the user's current SCIM
 * resource and version), move the position, commit. The sinks then receive the
 * events through the normal delivery path, in seq order: the app model recomputes
 * `attributes` under the current mapping, webhooks and the events API carry them.
 * A crash before COMMIT writes nothing and moves nothing; the next step redoes it.
 *
 * The event carries the version the user has; a write that commits meanwhile carries
 * a newer version and wins (the app model applies a same-version event to
 * `attributes` only, never an older one).
 */
export async function reprojectNextBatch(db: Db, publicUrl: string, batchSize: number): Promise<ReprojectionBatch | undefined> {
  return db.transaction(async (trx) => {
    const store = new AttributeReprojectionStore(trx);
    const job = await store.claim();
    if (!job) return undefined;
    const users = await store.usersAfter(job.organizationId, job.after, batchSize);
    const byDirectory = new Map<string, DirectoryUserRow[]>();
    for (const u of users) byDirectory.set(u.directoryId, [...(byDirectory.get(u.directoryId) ?? []), u]);
    const committed: CommittedEvent[] = [];
    for (const [directoryId, rows] of byDirectory) {
      const baseUrl = scimBaseUrl(publicUrl, directoryId);
      const events: NewEvent[] = rows.map((u) => ({
        type: 'user.attributes_changed',
        resourceType: 'user',
        resourceId: u.id,
        resourceVersion: u.version,
        data: { resource: renderUser({ id: u.id, doc: u.doc, version: u.version, createdAt: u.createdAt, updatedAt: u.updatedAt }, { baseUrl }) },
      }));
      await new EventStore(trx).appendEvents({ organizationId: job.organizationId, directoryId, operationId: null }, events);
      committed.push({ organizationId: job.organizationId, directoryId });
    }
    const last = users[users.length - 1];
    const finished = users.length < batchSize;
    await store.advance(job.organizationId, last ? { directoryId: last.directoryId, seq: last.seq } : job.after, users.length, finished);
    return { organizationId: job.organizationId, written: users.length, finished, committed };
  });
}
