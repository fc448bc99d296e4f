import type { ScimResult } from '../scim/write-outcome';
/** The typed map of job payloads: one entry per job name (`resource.action`). */

export type ScimMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ScimResourceType = 'User' | 'Group';

/** A validated SCIM write, as the receiver enqueues it (passwords already stripped). */
export interface ScimWriteJob {
  operationId: string;
  directoryId: string;
  organizationId: string;
  requestId: string;
  method: ScimMethod;
  resourceType: ScimResourceType;
  resourceId?: string;
  body?: unknown;
  ifMatch?: string;
  /** SCIM base URL of the directory, for `meta.location`. */
  baseUrl: string;
  /** Pub/sub channel of the web process waiting for the result. */
  replyTo: string;
  receivedAt: number;
  /** Short description for the activity log (never the body). */
  summary: string;
}

/**
 * Several writes that reached one web process together, carried by one BullMQ job so
 * the queue's per-job work (add, fetch, finish, their stream entries) is paid once for
 * all of them (docs/architecture.md, "The write path"). Each write keeps its own
 * operation id, outcome and reply; a batch is only transport.
 */
export interface ScimBatchJob {
  writes: ScimWriteJob[];
}

/** What a job of the scim queue carries: one write (job id = operation id), or a batch. */
export type ScimJobData = ScimWriteJob | ScimBatchJob;

export const SCIM_BATCH_JOB_NAME = 'scim.batch';

export const isBatchJob = (data: ScimJobData): data is ScimBatchJob => Array.isArray((data as Partial<ScimBatchJob>).writes);

/** The writes a job carries, in the order they were received. */
export const writesOf = (data: ScimJobData): ScimWriteJob[] => (isBatchJob(data) ? data.writes : [data]);

export interface ScimReply {
  operationId: string;
  result: ScimResult;
}

/** Job names of the scim queue. */
export function scimJobName(job: Pick<ScimWriteJob, 'method' | 'resourceType'>): string {
  const action = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' }[job.method];
  return `${job.resourceType.toLowerCase()}.${action}`;
}
