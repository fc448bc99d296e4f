import type { Context } from 'koa';
import { ScimError, scimErrorBody } from '../../scim/scim-error';
import type { ScimResult } from '../../scim/write-outcome';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Writes a SCIM result (status, body, Location, ETag) to the response. */
export function sendScimResult(ctx: Context, result: ScimResult): void {
  ctx.status = result.status;
  if (result.etag) ctx.set('ETag', result.etag);
  if (result.location && result.status === 201) ctx.set('Location', result.location);
  if (result.body !== undefined && result.status !== 204) {
    ctx.type = SCIM_CONTENT_TYPE;
    ctx.body = result.body;
  } else {
    ctx.body = null;
    ctx.status = result.status;
  }
}

export function sendScimError(ctx: Context, error: ScimError): void {
  ctx.status = error.status;
  ctx.type = SCIM_CONTENT_TYPE;
  ctx.body = scimErrorBody(error);
}
