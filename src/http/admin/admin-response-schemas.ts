import { z } from 'zod';
import { EVENT_TYPES } from '../../events/event-types';

/**
 * What the admin API answers, as zod schemas: the OpenAPI description
 * (src/http/admin/openapi.ts) is generated from them, and
 * test/admin/openapi.test.ts validates real responses against that description.
 */
const Uuid = z.string().uuid();
const Timestamp = z.string().datetime({ offset: true });
const list = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export const ApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), requestId: z.string() }),
});

export const Organization = z.object({ id: Uuid, name: z.string(), directorySyncEnabled: z.boolean(), createdAt: Timestamp, updatedAt: Timestamp });

export const Directory = z.object({
  id: Uuid,
  organizationId: Uuid,
  provider: z.string(),
  name: z.string(),
  status: z.string(),
  scimBaseUrl: z.string(),
  userCount: z.number().int(),
  groupCount: z.number().int(),
  lastRequestAt: Timestamp.nullable(),
  lastError: z.object({ at: Timestamp, status: z.number().int(), summary: z.string() }).nullable(),
  createdAt: Timestamp,
});

export const PortalLink = z.object({ url: z.string(), expiresAt: Timestamp, organizationId: Uuid, linkId: z.string(), directorySyncEnabled: z.boolean() });

export const Sink = z.object({
  id: Uuid,
  kind: z.enum(['app_model', 'webhook']),
  name: z.string(),
  url: z.string().nullable(),
  timeoutMs: z.number().int(),
  enabled: z.boolean(),
  deliverFrom: Timestamp,
  createdAt: Timestamp,
});
/** The only answer that shows a webhook's signing secret. */
export const SinkWithSecret = Sink.extend({ secret: z.string() });

export const DeadLetter = z.object({
  id: Uuid,
  organizationId: Uuid,
  eventId: Uuid,
  eventType: z.string(),
  sinkId: Uuid,
  sinkName: z.string(),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  error: z.string(),
  createdAt: Timestamp,
  replayedAt: Timestamp.nullable(),
});
export const ReplayResult = z.object({ replayed: z.number().int(), enqueued: z.boolean() });

export const RoleMapping = z.object({ id: Uuid, organizationId: Uuid, groupName: z.string(), role: z.string(), createdAt: Timestamp });
export const CreatedRoleMapping = RoleMapping.extend({ usersRecomputed: z.number().int() });

export const AppUser = z.object({
  directoryUserId: Uuid,
  directoryId: Uuid,
  userName: z.string(),
  email: z.string().nullable(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  displayName: z.string().nullable(),
  externalId: z.string().nullable(),
  status: z.enum(['active', 'suspended']),
  active: z.boolean(),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  version: z.number().int(),
  /** App attributes by the organization's attribute mapping; null where the user has no value. */
  attributes: z.record(z.string(), z.unknown()),
  updatedAt: Timestamp,
});

const AttributeMappingEntry = z.object({ name: z.string(), path: z.string() });
export const Reprojection = z.object({
  status: z.enum(['running', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
});
export const AttributeMapping = z.object({
  organizationId: Uuid,
  attributes: z.array(AttributeMappingEntry),
  /** No mapping saved: the default enterprise attributes apply. */
  isDefault: z.boolean(),
  /** Custom extension attributes (Okta's custom schema, any other `urn:`) are added under their own names: true for the default mapping only. */
  customExtensionAttributes: z.boolean(),
  revision: z.number().int(),
  updatedAt: Timestamp.nullable(),
  /** The re-projection of existing users after the last save (null before any save). */
  reprojection: Reprojection.nullable(),
});
export const AttributeMappingPreview = z.object({
  attributes: z.array(AttributeMappingEntry),
  data: z.array(z.object({ directoryUserId: Uuid, directoryId: Uuid, userName: z.string(), attributes: z.record(z.string(), z.unknown()) })),
});

export const Event = z.object({
  id: Uuid,
  type: z.enum(EVENT_TYPES),
  organizationId: Uuid,
  directoryId: Uuid,
  sequence: z.number().int(),
  occurredAt: Timestamp,
  resource: z.object({ type: z.string(), id: z.string(), version: z.number().int() }),
  data: z.record(z.string(), z.unknown()),
});
export const EventPage = z.object({
  data: z.array(Event),
  /** Pass as `cursor` to read on; unchanged when there was nothing new. */
  nextCursor: z.string(),
  hasMore: z.boolean(),
});

export const DeliveryStats = z.object({
  oldestUndeliveredAt: Timestamp.nullable(),
  pendingDeliveries: z.number().int(),
  deadLetters: z.number().int(),
  retriesTotal: z.number().int(),
  openHolds: z.number().int(),
  heldEvents: z.number().int(),
  heldPeople: z.number().int(),
});

const drift = <T extends z.ZodType>(item: T) => z.object({ count: z.number().int(), items: z.array(item) });
const Stale = z.object({ id: z.string(), fields: z.array(z.string()), reason: z.string().optional() });
const Membership = z.object({ groupId: z.string(), userId: z.string() });
export const ReconcileReport = z.object({
  id: Uuid,
  organizationId: Uuid,
  directoryId: Uuid,
  trigger: z.enum(['schedule', 'manual']),
  repair: z.boolean(),
  driftCount: z.number().int(),
  report: z.object({
    users: z.object({ missing: drift(z.string()), extra: drift(z.string()), stale: drift(Stale) }),
    groups: z.object({ missing: drift(z.string()), extra: drift(z.string()), stale: drift(Stale) }),
    memberships: z.object({ missing: drift(Membership), extra: drift(Membership) }),
    roles: z.object({ stale: drift(z.object({ userId: z.string(), expected: z.array(z.string()), actual: z.array(z.string()) })) }),
    /** Drift a circuit-breaker hold keeps on purpose, with the reason (`held by hold <id>`, `discarded by hold <id>`). */
    held: drift(z.object({ kind: z.enum(['user', 'group']), id: z.string(), holdId: Uuid, reason: z.string() })).optional(),
    driftCount: z.number().int(),
    repaired: z.boolean(),
  }),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});

const HoldCounts = z.object({ deactivations: z.number().int(), deletions: z.number().int(), roleRemovals: z.number().int(), groupDeletions: z.number().int(), cancelled: z.number().int() });
export const Hold = z.object({
  id: Uuid,
  organizationId: Uuid,
  directoryId: Uuid,
  status: z.enum(['held', 'released', 'discarded']),
  counts: HoldCounts,
  heldEvents: z.number().int(),
  people: z.number().int(),
  firstAt: Timestamp,
  lastAt: Timestamp,
  createdAt: Timestamp,
  closedAt: Timestamp.nullable(),
  closedBy: z.string().nullable(),
});
export const HoldDetail = Hold.extend({
  /** The people the held changes would take access from, with the roles they would lose. */
  wouldLoseAccess: z.array(z.object({ userId: Uuid, userName: z.string().nullable(), kinds: z.array(z.string()), roles: z.array(z.string()) })),
});
const StoredBreaker = z.object({ enabled: z.boolean().nullable(), windowSeconds: z.number().int().nullable(), minCount: z.number().int().nullable(), minPercent: z.number().nullable() });
export const BreakerSettings = z.object({ enabled: z.boolean(), windowSeconds: z.number().int(), minCount: z.number().int(), minPercent: z.number(), overrides: StoredBreaker });

export const Lists = {
  Holds: list(Hold),
  Organizations: list(Organization),
  Directories: list(Directory),
  Sinks: list(Sink),
  DeadLetters: list(DeadLetter),
  RoleMappings: list(RoleMapping),
  AppUsers: list(AppUser),
  ReconcileReports: list(ReconcileReport),
};
