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
 * What the directory's health record keeps of a rejected request (docs/admin-portal.md,
 * "Rejected"), beside status and scimType. It is stored and shown to the customer's
 * admin, so it must never hold a client VALUE (a userName, a filter literal, a member
 * id, a PATCH value): attribute names and PATCH paths with their filter literals
 * redacted are fine.
 */
export interface ScimFault {
  /** The attribute or PATCH path at fault (value-free: see redactScimPath). */
  attribute?: string;
  /**
   * A value-free replacement for the client-facing `detail`, set wherever that detail
   * can embed something the client sent. Absent: the detail itself is value-free.
   */
  detail?: string;
}

/**
 * A SCIM protocol error: the only error type the HTTP edge turns into a
 * response body. `detail` is shown to the client, so it must never contain
 * internals (stack traces, SQL).
 */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  /** For the rejected-request record: the attribute at fault and a value-free detail. */
  readonly fault?: ScimFault;

  constructor(status: number, detail: string, scimType?: ScimType, fault?: ScimFault) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    if (scimType !== undefined) this.scimType = scimType;
    if (fault && (fault.attribute !== undefined || fault.detail !== undefined)) this.fault = fault;
  }
}

/** Shorthand for the common `400` with a `scimType`. */
export function badRequest(scimType: ScimType, detail: string, fault?: ScimFault): ScimError {
  return new ScimError(400, detail, scimType, fault);
}

/** The value-free record of an error: its safe detail, and the attribute at fault when known. */
export function recordedFault(e: ScimError): { detail: string; attribute?: string } {
  const detail = e.fault?.detail ?? e.message;
  return e.fault?.attribute !== undefined ? { detail, attribute: e.fault.attribute } : { detail };
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
