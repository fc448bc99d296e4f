/** Outbox event types (docs/architecture.md, G4); names read like `resource.past_tense`. */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'user.attributes_changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.user_added',
  'group.user_removed',
  'directory.enabled',
  'directory.disabled',
  // The deprovisioning circuit breaker opened a hold (docs/circuit-breaker.md).
  'directory.sync_held',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type EventResourceType = 'user' | 'group' | 'directory';

/** An event as a use-case produces it, before the outbox gives it an id and a sequence. */
export interface NewEvent {
  type: EventType;
  resourceType: EventResourceType;
  resourceId: string;
  /** Version of the resource after the change: sinks apply monotonically by it. */
  resourceVersion: number;
  /** Full state after the change (the SCIM resource, or the membership pair). */
  data: Record<string, unknown>;
}

/** An event as stored in the outbox. */
export interface StoredEvent extends NewEvent {
  id: string;
  organizationId: string;
  directoryId: string;
  /** Per-directory sequence, gap-free, in version order per resource; assigned shortly after commit by the outbox sequencer (null until then). */
  seq: number | null;
  operationId: string | null;
  occurredAt: Date;
  /** The circuit-breaker hold keeping this event back from every sink (null: not held). */
  heldBy?: string | null;
}

/** What the write path tells delivery about a commit: which directory has new events (nothing else is needed). */
export type CommittedEvent = Pick<StoredEvent, 'directoryId' | 'organizationId'>;
