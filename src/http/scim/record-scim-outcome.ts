import type { Context, Middleware } from 'koa';
import type { DirectoryPrincipal } from '../../store/directory-store';
import { recordedFault, type ScimError } from '../../scim/scim-error';
import type { ScimResult } from '../../scim/write-outcome';
import { rejectionPath } from './rejection-path';
import type { ScimHealthRecorder } from './scim-health-recorder';

/** What the record keeps of a 4xx, beside method, path and status: all value-free. */
export interface RejectionFault {
  scimType: string | null;
  detail: string;
  attribute: string | null;
}

const FAULT = Symbol('scimRejectionFault');

/** The error handler notes the fault of the ScimError it answers with (scim-error-handler.ts). */
export function noteErrorFault(ctx: Context, error: ScimError): void {
  const f = recordedFault(error);
  (ctx.state as Record<symbol, RejectionFault>)[FAULT] = { scimType: error.scimType ?? null, detail: f.detail, attribute: f.attribute ?? null };
}

/**
 * The write routes note the fault of a worker's error result (409 uniqueness, 404,
 * 400 bad PATCH, 412), which the worker computed with its value-free detail. A result
 * without one (recorded before this field existed) gets a generic detail: its body's
 * detail may quote client values.
 */
export function noteResultFault(ctx: Context, result: ScimResult): void {
  if (result.status < 400) return;
  const body = result.body as { scimType?: unknown } | undefined;
  const scimType = typeof body?.scimType === 'string' ? body.scimType : null;
  (ctx.state as Record<symbol, RejectionFault>)[FAULT] = {
    scimType,
    detail: result.fault?.detail ?? `Rejected by the worker (${result.status}${scimType ? ` ${scimType}` : ''})`,
    attribute: result.fault?.attribute ?? null,
  };
}

/**
 * The ONE place rejected SCIM requests are recorded, at response time, for every
 * surface under /scim/v2/{directoryId} (edge validation, reads, discovery, rate
 * limits, the worker's results). Mounted outermost in the SCIM router, so it sees
 * the final status. Only requests of an authenticated directory count: a 401 is
 * not recorded per directory (anyone can send them). Costs no I/O: the recorder
 * buffers (scim-health-recorder.ts).
 */
export function recordScimOutcome(recorder: Pick<ScimHealthRecorder, 'request'>): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const principal = ctx.state.principal as DirectoryPrincipal | undefined;
      const directoryId = String(ctx.params?.['directoryId'] ?? '');
      if (principal && principal.directoryId === directoryId) {
        const status = ctx.status;
        const rejected = status >= 400 && status < 500 && status !== 401;
        const fault = (ctx.state as Record<symbol, RejectionFault | undefined>)[FAULT];
        recorder.request(
          directoryId,
          new Date(),
          rejected
            ? {
                method: ctx.method,
                path: rejectionPath(ctx.path, directoryId),
                status,
                scimType: fault?.scimType ?? null,
                detail: fault?.detail ?? `HTTP ${status}`,
                attribute: fault?.attribute ?? null,
                requestId: typeof ctx.state.requestId === 'string' ? ctx.state.requestId : null,
              }
            : undefined,
        );
      }
    }
  };
}
