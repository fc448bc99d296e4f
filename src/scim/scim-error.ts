/** `scimType` values of RFC 7644 §3.12, Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** Schema URN of SCIM error responses (RFC 7644 §3.12). */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * A SCIM protocol error: the only error type the HTTP edge turns into a
 * response body. `detail` is shown to the client, so it must never contain
 * internals (stack traces, SQL).
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    if (scimType !== undefined) this.scimType = scimType;
  }
}

/** Shorthand for the common `400` with a `scimType`. */
export function badRequest(scimType: ScimType, detail: string): ScimError {
  return new ScimError(400, detail, scimType);
}

/**
 * JSON body of an error response. RFC 7644 §3.12 makes `status` a string
 * ("400"), unlike the integer paging fields of list responses.
 */
export function scimErrorBody(e: ScimError): {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
} {
  const body: { schemas: string[]; status: string; scimType?: string; detail: string } = {
    schemas: [ERROR_SCHEMA],
    status: String(e.status),
    detail: e.message,
  };
  if (e.scimType !== undefined) body.scimType = e.scimType;
  return body;
}
