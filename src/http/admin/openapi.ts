import { z } from 'zod';
import { ORGANIZATION_REQUESTS as O } from './organization-routes';
import { DELIVERY_REQUESTS as D } from './delivery-routes';
import { ATTRIBUTE_MAPPING_REQUESTS as A } from './attribute-mapping-routes';
import { HOLD_REQUESTS as HR } from './hold-routes';
import * as R from './admin-response-schemas';
import { packageVersion } from '../../common/package-version';
import * as H from './directory-health-schemas';

/** One admin API operation: its route as registered (koa path syntax) and its zod schemas. */
export interface AdminOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** As registered on the router, under /api/v1, e.g. `/organizations/:organizationId`. */
  path: string;
  summary: string;
  /** Longer text, when the summary is not enough. */
  description?: string;
  tag: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Status → body schema (`null`: no body). */
  responses: Record<number, z.ZodType | null>;
}

const ORG = '/organizations/:organizationId';

/** Every route of the admin API; test/admin/openapi.test.ts checks this list against the router's own. */
export const ADMIN_OPERATIONS: AdminOperation[] = [
  { method: 'get', path: '/openapi.json', summary: 'This OpenAPI 3.1 description', tag: 'meta', responses: { 200: z.record(z.string(), z.unknown()) } },
  { method: 'post', path: '/organizations', summary: 'Create an organization', tag: 'organizations', body: O.CreateOrganization, responses: { 201: R.Organization, 409: R.ApiErrorBody } },
  { method: 'get', path: '/organizations', summary: 'List organizations', tag: 'organizations', responses: { 200: R.Lists.Organizations } },
  { method: 'get', path: ORG, summary: 'Get an organization', tag: 'organizations', responses: { 200: R.Organization, 404: R.ApiErrorBody } },
  { method: 'patch', path: ORG, summary: 'Rename an organization or switch Directory Sync', tag: 'organizations', body: O.UpdateOrganization, responses: { 200: R.Organization, 404: R.ApiErrorBody, 409: R.ApiErrorBody } },
  { method: 'delete', path: ORG, summary: 'Delete an organization', tag: 'organizations', responses: { 204: null, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/directory-sync/enable`, summary: 'Enable Directory Sync', tag: 'organizations', responses: { 200: R.Organization, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/directory-sync/disable`, summary: 'Disable Directory Sync', tag: 'organizations', responses: { 200: R.Organization, 404: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/directories`, summary: "List the organization's directories with their health", tag: 'organizations', responses: { 200: R.Lists.Directories, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/portal-links`, summary: 'Issue a single-use Admin Portal link', tag: 'organizations', body: O.CreatePortalLink, responses: { 201: R.PortalLink, 404: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/sinks`, summary: 'List delivery sinks', tag: 'delivery', responses: { 200: R.Lists.Sinks, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/sinks`, summary: 'Add a webhook (its secret is shown once)', tag: 'delivery', body: D.CreateSink, responses: { 201: R.SinkWithSecret, 400: R.ApiErrorBody, 404: R.ApiErrorBody } },
  { method: 'patch', path: `${ORG}/sinks/:sinkId`, summary: 'Enable, disable, rename a sink or change its timeout', tag: 'delivery', body: D.UpdateSink, responses: { 200: R.Sink, 404: R.ApiErrorBody } },
  { method: 'delete', path: `${ORG}/sinks/:sinkId`, summary: 'Delete a webhook', tag: 'delivery', responses: { 204: null, 404: R.ApiErrorBody, 409: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/dead-letters`, summary: 'List dead letters', tag: 'delivery', query: z.object({ includeReplayed: z.enum(['true', 'false']).optional() }), responses: { 200: R.Lists.DeadLetters, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/dead-letters/replay`, summary: 'Replay one dead letter or all of them', tag: 'delivery', body: D.Replay, responses: { 200: R.ReplayResult, 404: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/role-mappings`, summary: 'List group → role mappings', tag: 'app user model', responses: { 200: R.Lists.RoleMappings, 404: R.ApiErrorBody } },
  { method: 'post', path: `${ORG}/role-mappings`, summary: 'Map a group to a role (recomputes roles)', tag: 'app user model', body: D.Mapping, responses: { 201: R.CreatedRoleMapping, 404: R.ApiErrorBody } },
  { method: 'delete', path: `${ORG}/role-mappings/:mappingId`, summary: 'Remove a role mapping (recomputes roles)', tag: 'app user model', responses: { 204: null, 404: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/attribute-mapping`, summary: 'The attribute mapping (SCIM path → app attribute), with the re-projection progress', tag: 'app user model', responses: { 200: R.AttributeMapping, 404: R.ApiErrorBody } },
  {
    method: 'put',
    path: `${ORG}/attribute-mapping`,
    summary: 'Replace the attribute mapping (re-projects every user through the outbox)',
    description:
      'Paths are SCIM attribute paths of a User: core (`title`, `name.givenName`, `phoneNumbers`), the enterprise extension (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, or `department` alone) or any custom extension URN (`urn:okta:…:custom:costCode`). Names are identifiers (a letter, then letters, digits, `_`). Saving writes one `user.attributes_changed` event per user of the organization\'s directories, in batches; `reprojection` shows the progress.',
    tag: 'app user model',
    body: A.PutMapping,
    responses: { 200: R.AttributeMapping, 400: R.ApiErrorBody, 404: R.ApiErrorBody },
  },
  { method: 'post', path: `${ORG}/attribute-mapping/preview`, summary: 'What a mapping (not saved) gives a few synced users', tag: 'app user model', body: A.PreviewMapping, responses: { 200: R.AttributeMappingPreview, 400: R.ApiErrorBody, 404: R.ApiErrorBody } },
  { method: 'get', path: `${ORG}/app-users`, summary: 'The app user model, with roles and groups', tag: 'app user model', responses: { 200: R.Lists.AppUsers, 404: R.ApiErrorBody } },
  {
    method: 'get',
    path: `${ORG}/events`,
    summary: 'Read the event feed in order from a cursor',
    description:
      'Pages through the organization\'s events in per-directory sequence order; pass the previous page\'s nextCursor. Events are kept RETENTION_EVENTS_DAYS days (default 30) once every sink has consumed them. A cursor whose position is older than what is kept (an event after it was pruned) is answered 410 Gone with code `cursor_expired` and, in `details`, each such directory with its cursor position and the sequence pruned through: start again without a cursor and resynchronise.',
    tag: 'events',
    query: D.FeedQuery,
    responses: { 200: R.EventPage, 400: R.ApiErrorBody, 404: R.ApiErrorBody, 410: R.ApiErrorBody },
  },
  { method: 'get', path: '/delivery/stats', summary: 'Delivery health', tag: 'delivery', responses: { 200: R.DeliveryStats } },
  { method: 'post', path: '/directories/:directoryId/reconcile', summary: 'Reconcile a directory with the app user model now', tag: 'reconciliation', body: D.Reconcile, responses: { 200: R.ReconcileReport, 404: R.ApiErrorBody } },
  { method: 'get', path: '/directories/:directoryId/reconcile-reports', summary: 'Recent reconciliation reports', tag: 'reconciliation', responses: { 200: R.Lists.ReconcileReports, 404: R.ApiErrorBody } },
  {
    method: 'get',
    path: '/directories/:directoryId/rejected-requests',
    summary: "The directory's rejected SCIM requests (4xx), newest first",
    description: 'Every 4xx an authenticated SCIM client of the directory got (401s are not recorded per directory): time, method, path (ids only), status, scimType, a value-free detail and the attribute or PATCH path at fault. Never values, tokens or bodies. Kept RETENTION_REJECTIONS_DAYS days (7), at most RETENTION_REJECTIONS_MAX_PER_DIRECTORY per directory. Pass nextCursor as `before` for the next page.',
    tag: 'directory health',
    query: H.RejectedRequestsQuery,
    responses: { 200: H.RejectedRequestPage, 400: R.ApiErrorBody, 404: R.ApiErrorBody },
  },
  { method: 'get', path: '/directories/:directoryId/health', summary: 'The 4xx share of SCIM requests over 1 h and 24 h, with the warning', tag: 'directory health', responses: { 200: H.DirectoryHealthShare, 404: R.ApiErrorBody } },
  { method: 'get', path: '/directories/:directoryId/operations', summary: 'Recent SCIM writes (the activity log), newest first; pass nextCursor as `before` for the next page', tag: 'directory health', query: H.OperationsQuery, responses: { 200: H.OperationPage, 400: R.ApiErrorBody, 404: R.ApiErrorBody } },
  {
    method: 'get',
    path: '/directories/:directoryId/operations/:operationId/trace',
    summary: 'Trace one SCIM write: request, operation, events, per-sink delivery',
    description: 'The request, then the operation (queue wait, apply time, attempts), then the events it wrote (type, resource version, sequence), then each sink\'s delivery of each event (status, attempts, last error, delivered at). An event is delivered to a sink once the sink\'s cursor passed it and no deliveries row says otherwise (docs/delivery.md); `deliveredBy` is then the cursor\'s last move, an upper bound.',
    tag: 'directory health',
    responses: { 200: H.OperationTrace, 404: R.ApiErrorBody },
  },
  { method: 'get', path: '/directories/:directoryId/holds', summary: "A directory's circuit-breaker holds, newest first", tag: 'circuit breaker', responses: { 200: R.Lists.Holds, 404: R.ApiErrorBody } },
  { method: 'get', path: '/holds/:holdId', summary: 'A hold, with the people who would lose access', tag: 'circuit breaker', responses: { 200: R.HoldDetail, 404: R.ApiErrorBody } },
  {
    method: 'post',
    path: '/holds/:holdId/release',
    summary: 'Release a hold: deliver its events, in order, to every sink',
    description: 'The held events (not those a reactivation cancelled) are delivered to every enabled sink in sequence order, after the events each sink already received. 409 when the hold is no longer open.',
    tag: 'circuit breaker',
    body: HR.HoldAction,
    responses: { 200: R.Hold, 404: R.ApiErrorBody, 409: R.ApiErrorBody },
  },
  {
    method: 'post',
    path: '/holds/:holdId/discard',
    summary: 'Discard a hold: its events are never delivered',
    description: 'The app keeps the people as they were; the drift report lists the difference with the reason `discarded by hold <id>`, and reconciliation does not repair it. 409 when the hold is no longer open.',
    tag: 'circuit breaker',
    body: HR.HoldAction,
    responses: { 200: R.Hold, 404: R.ApiErrorBody, 409: R.ApiErrorBody },
  },
  { method: 'get', path: '/directories/:directoryId/breaker', summary: "The directory's circuit-breaker thresholds (in effect, and its own overrides)", tag: 'circuit breaker', responses: { 200: R.BreakerSettings, 404: R.ApiErrorBody } },
  {
    method: 'patch',
    path: '/directories/:directoryId/breaker',
    summary: "Set the directory's circuit-breaker thresholds (null: back to the global default)",
    tag: 'circuit breaker',
    body: HR.BreakerSettings,
    responses: { 200: R.BreakerSettings, 400: R.ApiErrorBody, 404: R.ApiErrorBody },
  },
];

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Invalid request', 404: 'Not found', 409: 'Conflict', 410: 'Gone: the cursor is older than the retention horizon (start again without a cursor)' };

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as the API reads it (`input`) or writes it (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}

/** Response schemas described once under components.schemas and referenced by name. */
const NAMED = new Map<z.ZodType, string>([
  ...Object.entries(R).flatMap(([name, schema]) => (schema instanceof z.ZodType ? [[schema, name] as const] : [])),
  ...Object.entries(R.Lists).map(([name, schema]) => [schema, `${name}List`] as const),
  ...Object.entries(H.HEALTH_SCHEMAS).map(([name, schema]) => [schema, name] as const),
]);

function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const name = NAMED.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(schema, 'output');
}

/** `/organizations/:organizationId` → `/organizations/{organizationId}` */
export const openApiPath = (koaPath: string): string => `/api/v1${koaPath.replace(/:([A-Za-z]+)/g, '{$1}')}`;

/** The OpenAPI 3.1 description of the admin API, generated from the schemas the routes validate with. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of ADMIN_OPERATIONS) {
    const params = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = op.query
      ? Object.entries((jsonSchema(op.query, 'input')['properties'] ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !op.query!.shape[name]!.safeParse(undefined).success,
          schema,
        }))
      : [];
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(op.responses)) {
      responses[status] = {
        description: STATUS_TEXT[Number(status)] ?? status,
        ...(schema ? { content: { 'application/json': { schema: responseSchema(schema) } } } : {}),
      };
    }
    responses['401'] = { description: 'Missing or wrong admin API key', content: { 'application/json': { schema: responseSchema(R.ApiErrorBody) } } };
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      operationId: `${op.method}${op.path.replace(/:([A-Za-z]+)/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(op.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'dirsync admin API',
      version: packageVersion(),
      description: 'The app-owner API: organizations, Directory Sync, portal links, delivery sinks, dead letters, the app user model, the event feed and reconciliation. Generated from the zod schemas the routes validate with (src/http/admin/openapi.ts).',
    },
    servers: [{ url: '/' }],
    security: [{ adminApiKey: [] }],
    components: {
      securitySchemes: { adminApiKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' } },
      schemas: Object.fromEntries([...NAMED].map(([schema, name]) => [name, jsonSchema(schema, 'output')])),
    },
    paths,
  };
}
