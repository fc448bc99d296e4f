import { z } from 'zod';

/**
 * Directory health in the admin API (issue 13, requirement 2): request and response
 * schemas, which the routes validate with and the OpenAPI description is built from.
 */
const Uuid = z.string().uuid();
const Timestamp = z.string().datetime({ offset: true });

export const RejectedRequestsQuery = z.object({
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const OperationsQuery = z.object({
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const RejectedRequest = z.object({
  id: z.string(),
  at: Timestamp,
  method: z.string(),
  path: z.string().describe('Under the directory SCIM base URL, ids only: other path segments read {id} or {other}; never the query string'),
  status: z.number().int(),
  scimType: z.string().nullable(),
  detail: z.string().describe('Value-free: never a userName, filter literal, member id or other client value'),
  attribute: z.string().nullable().describe('The attribute or PATCH path at fault, with filter literals redacted ("…")'),
  requestId: z.string().nullable(),
});

export const RejectedRequestPage = z.object({ data: z.array(RejectedRequest), nextCursor: z.string().nullable() });

const Share = z.object({
  total: z.number().int(),
  rejected: z.number().int(),
  share: z.number().describe('rejected / total (0 without requests)'),
  warning: z.boolean(),
});

export const DirectoryHealthShare = z.object({
  directoryId: Uuid,
  lastHour: Share,
  lastDay: Share,
  warnAbove: z.number().describe('The share above which the portal warns: Microsoft Entra ID quarantines a provisioning job whose requests fail too often'),
});

export const OperationListItem = z.object({
  id: Uuid,
  method: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  summary: z.string(),
  status: z.number().int(),
  scimType: z.string().nullable(),
  receivedAt: Timestamp,
  appliedAt: Timestamp,
  queueMs: z.number().int(),
  applyMs: z.number().int(),
});

export const OperationPage = z.object({ data: z.array(OperationListItem), nextCursor: z.string().nullable() });

const SinkDelivery = z.object({
  sinkId: Uuid,
  sinkName: z.string(),
  sinkKind: z.string(),
  status: z.enum(['delivered', 'pending', 'retrying', 'dead', 'sink_disabled', 'not_applicable', 'held']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: Timestamp.nullable(),
  deliveredBy: Timestamp.nullable(),
  nextAttemptAt: Timestamp.nullable(),
  heldBy: z.object({ holdId: z.string(), status: z.string() }).optional(),
});

export const OperationTrace = z.object({
  request: z.object({ requestId: z.string().nullable(), method: z.string(), resourceType: z.string(), resourceId: z.string().nullable(), summary: z.string(), receivedAt: Timestamp }),
  operation: z.object({
    id: Uuid,
    status: z.number().int(),
    scimType: z.string().nullable(),
    detail: z.string().nullable(),
    appliedAt: Timestamp,
    queueMs: z.number().int(),
    applyMs: z.number().int(),
    attempts: z.number().int(),
  }),
  events: z.array(
    z.object({
      id: Uuid,
      type: z.string(),
      resourceType: z.string(),
      resourceId: z.string(),
      resourceVersion: z.number().int(),
      sequence: z.number().int().nullable(),
      occurredAt: Timestamp,
      deliveries: z.array(SinkDelivery),
    }),
  ),
  eventCount: z.number().int(),
});

/** Named in the OpenAPI components (src/http/admin/openapi.ts). */
export const HEALTH_SCHEMAS = { RejectedRequestPage, DirectoryHealthShare, OperationPage, OperationTrace };
