/**
 * The outcome of a SCIM write as the worker computed it: status, body and headers.
 * The worker stores it with the operation record (so a retry can be answered with it)
 * and sends it back to the web process that holds the client's request.
 */
export interface ScimResult {
  status: number;
  body?: unknown;
  location?: string;
  etag?: string;
}
