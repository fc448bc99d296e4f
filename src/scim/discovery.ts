import {
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  SchemaDefinition,
  USER_SCHEMA_DEFINITION,
} from './attribute-definitions';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './schema-urns';
import type { ScimDoc } from './user-document';

/** Inputs of the discovery documents (RFC 7644 §4). */
export interface DiscoveryOptions {
  /** SCIM root of the directory, without trailing slash. */
  baseUrl: string;
  /** Page size cap for list responses (`filter.maxResults`). */
  maxResults: number;
  /** Request body limit in bytes (reported under `bulk` although bulk is unsupported). */
  maxPayloadBytes: number;
  /** PATCH operation cap (reported under `bulk.maxOperations`). */
  maxOperations: number;
}

const base = (o: DiscoveryOptions) => o.baseUrl.replace(/\/+$/, '');

/**
 * `/ServiceProviderConfig` (RFC 7643 §5). Truthful: clients such as Entra
 * use it to decide what to send, so we only claim what we implement.
 */
export function serviceProviderConfig(o: DiscoveryOptions): ScimDoc {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: o.maxOperations, maxPayloadSize: o.maxPayloadBytes },
    filter: { supported: true, maxResults: o.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a per-directory bearer token',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base(o)}/ServiceProviderConfig` },
  };
}

/** `/ResourceTypes` (RFC 7643 §6). */
export function resourceTypes(o: DiscoveryOptions): ScimDoc[] {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base(o)}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Group',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${base(o)}/ResourceTypes/Group` },
    },
  ];
}

/** `/Schemas` (RFC 7643 §7), generated from the same definitions the parsers use. */
export function schemaDocuments(o: DiscoveryOptions): ScimDoc[] {
  const doc = (s: SchemaDefinition): ScimDoc => ({
    schemas: [SCHEMA_SCHEMA],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: structuredClone(s.attributes),
    meta: { resourceType: 'Schema', location: `${base(o)}/Schemas/${s.id}` },
  });
  return [USER_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION].map(doc);
}
