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


export interface ScimReply {
  operationId: string;
  result: ScimResult;
}

/** Job names of the scim queue. */
export function scimJobName(job: Pick<ScimWriteJob, 'method' | 'resourceType'>): string {
  const action = { POST: 'create', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' }[job.method];
  return `${job.resourceType.toLowerCase()}.${action}`;
}
