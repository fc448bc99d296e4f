import type { ScimWriteJob } from '../queue/job-payloads';
import type { OperationFields } from '../store/user-write-store';

/** The operation record's fields of a job (its result and status are added by the statement that applies it). */
export function operationFields(job: ScimWriteJob, attempt: number, started: number): OperationFields {
  return {
    operationId: job.operationId,
    directoryId: job.directoryId,
    organizationId: job.organizationId,
    requestId: job.requestId,
    method: job.method,
    summary: job.summary,
    receivedAt: new Date(job.receivedAt),
    queueMs: Math.max(0, started - job.receivedAt),
    attempts: attempt,
  };
}
