import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

/** Attribute characteristics of RFC 7643 §2.2 / §7. */
export interface AttributeDefinition {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

/** A schema (core or extension) and its attributes, as served on /Schemas. */
export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Opts = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'subAttributes'>>;

// RFC 7643 §2.2 defaults: not required, caseExact false, readWrite, returned
// default, uniqueness none, single-valued.
function attr(name: string, type: AttributeDefinition['type'], o: Opts = {}): AttributeDefinition {
  return {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description: o.description ?? name,
    required: o.required ?? false,
    caseExact: o.caseExact ?? false,
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
  };
}

function complex(name: string, subs: AttributeDefinition[], o: Opts = {}): AttributeDefinition {
  return { ...attr(name, 'complex', o), subAttributes: subs };
}

/** The value/display/type/primary shape shared by emails, phoneNumbers, ims... (RFC 7643 §4.1.2). */
function multi(name: string, types: string[], valueType: AttributeDefinition['type'] = 'string', o: Opts = {}): AttributeDefinition {
  return complex(
    name,
    [
      attr('value', valueType, valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      attr('display', 'string'),
      attr('type', 'string', { canonicalValues: types }),
      attr('primary', 'boolean'),
    ],
    { multiValued: true, ...o },
  );
}

/** Common attributes of every resource (RFC 7643 §3.1); not listed in /Schemas. */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  attr('id', 'string', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'string', { caseExact: true }),
  complex(
    'meta',
    [
      attr('resourceType', 'string', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', { mutability: 'readOnly' }),
      attr('location', 'reference', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attr('version', 'string', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

/** RFC 7643 §4.1 and §8.7.1. */
export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', { required: true, uniqueness: 'server', description: 'Unique identifier for the User, case-insensitive.' }),
    complex('name', [
      attr('formatted', 'string'),
      attr('familyName', 'string'),
      attr('givenName', 'string'),
      attr('middleName', 'string'),
      attr('honorificPrefix', 'string'),
      attr('honorificSuffix', 'string'),
    ]),
    attr('displayName', 'string'),
    attr('nickName', 'string'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    attr('title', 'string'),
    attr('userType', 'string'),
    attr('preferredLanguage', 'string'),
    attr('locale', 'string'),
    attr('timezone', 'string'),
    attr('active', 'boolean'),
    attr('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', ['work', 'home', 'other']),
    multi('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multi('ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multi('photos', ['photo', 'thumbnail'], 'reference'),
    complex(
      'addresses',
      [
        attr('formatted', 'string'),
        attr('streetAddress', 'string'),
        attr('locality', 'string'),
        attr('region', 'string'),
        attr('postalCode', 'string'),
        attr('country', 'string'),
        attr('type', 'string', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      [
        attr('value', 'string', { mutability: 'readOnly' }),
        attr('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attr('display', 'string', { mutability: 'readOnly' }),
        attr('type', 'string', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multi('entitlements', []),
    multi('roles', []),
    multi('x509Certificates', [], 'binary'),
  ],
};

/** RFC 7643 §4.3. */
export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string'),
    attr('costCenter', 'string'),
    attr('organization', 'string'),
    attr('division', 'string'),
    attr('department', 'string'),
    complex('manager', [
      attr('value', 'string'),
      attr('$ref', 'reference', { referenceTypes: ['User'] }),
      attr('displayName', 'string', { mutability: 'readOnly' }),
    ]),
  ],
};

/** RFC 7643 §4.2 (plus `display` on members, which Okta sends and most servers accept). */
export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', { required: true, description: 'A human-readable name for the Group.' }),
    complex(
      'members',
      [
        attr('value', 'string', { mutability: 'immutable' }),
        attr('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attr('type', 'string', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
        attr('display', 'string', { mutability: 'immutable' }),
      ],
      { multiValued: true },
    ),
  ],
};

/** Finds a definition by name, case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive). */
export function findAttribute(defs: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  if (!defs) return undefined;
  const lower = name.toLowerCase();
  return defs.find((d) => d.name.toLowerCase() === lower);
}

/** Core schema definition of a resource type. */
export function coreSchemaOf(resourceType: 'User' | 'Group'): SchemaDefinition {
  return resourceType === 'User' ? USER_SCHEMA_DEFINITION : GROUP_SCHEMA_DEFINITION;
}

/** Extension schemas a resource type supports (RFC 7643 §6 `schemaExtensions`). */
export function extensionSchemasOf(resourceType: 'User' | 'Group'): SchemaDefinition[] {
  return resourceType === 'User' ? [ENTERPRISE_USER_SCHEMA_DEFINITION] : [];
}

/** Known extension schema whose URN equals `urn` case-insensitively. */
export function findExtensionSchema(resourceType: 'User' | 'Group', urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase();
  return extensionSchemasOf(resourceType).find((s) => s.id.toLowerCase() === lower);
}
