import type { Db } from '../store/db';
import type { StoredEvent } from '../events/event-types';
import { attributeProjectors } from '../app-model/attribute-projectors';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The events as an app receives them (webhooks, the events API): every user event
 * gets `data.attributes`, the user's app attributes projected from `data.resource`
 * with the organization's CURRENT mapping (the same projection the app model stores
 * in `app_users.attributes`). Computed when delivered, not stored in the outbox: after
 * a mapping change, everything delivered from then on agrees with the new mapping,
 * and the re-projection events (`user.attributes_changed`) bring every user up to it.
 * One query per call, only when there are user events.
 */
export async function withAttributes(db: Db, events: StoredEvent[]): Promise<StoredEvent[]> {
  const userEvents = events.filter((e) => e.resourceType === 'user' && isObject(e.data['resource']));
  if (!userEvents.length) return events;
  const projectors = await attributeProjectors(db, userEvents.map((e) => e.organizationId));
  return events.map((e) => {
    const resource = e.data['resource'];
    const project = projectors.get(e.organizationId);
    if (e.resourceType !== 'user' || !isObject(resource) || !project) return e;
    return { ...e, data: { ...e.data, attributes: project(resource) } };
  });
}
