/**
 * The outcome of a SCIM write as the worker computed it: status, body and headers.
 * The worker stores it with the operation record (so a retry can be answered with it)
 * and sends it back to the web process that holds the client's request.
 */
export interface ScimResult {
  status: number;
  /**
   * Error results only: the attribute at fault and a value-free detail, for the web
   * process's rejected-request record (the body's detail may quote client values).
   */
  fault?: { attribute?: string; detail: string };
  body?: unknown;
  location?: string;
  etag?: string;
}
