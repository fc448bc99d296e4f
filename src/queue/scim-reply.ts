import type { ScimReply } from './job-payloads';
import type { ScimResult } from '../scim/write-outcome';

/**
 * Reply wire format: `<operationId>\n<json result>`. Every web process hears every
 * reply on the shared channel; the id comes first so a process parses only the
 * replies it is waiting for.
 */
export function encodeReply(reply: ScimReply): string {
  return `${reply.operationId}\n${JSON.stringify(reply.result)}`;
}

export function decodeReply(message: string, wanted: (operationId: string) => boolean): ScimReply | undefined {
  const newline = message.indexOf('\n');
  if (newline <= 0) return undefined;
  const operationId = message.slice(0, newline);
  if (!wanted(operationId)) return undefined;
  try {
    return { operationId, result: JSON.parse(message.slice(newline + 1)) as ScimResult };
  } catch {
    return undefined;
  }
}

/**
 * Several replies in one message (the writes of one batch that committed together):
 * records joined by ASCII record separator. JSON.stringify escapes every control
 * character inside strings (`\u001e`) and operation ids are UUIDs, so the separator
 * never occurs inside a record.
 */
const RECORD_SEPARATOR = '\x1e';

export function encodeReplies(replies: readonly ScimReply[]): string {
  return replies.map(encodeReply).join(RECORD_SEPARATOR);
}

export function decodeReplies(message: string, wanted: (operationId: string) => boolean): ScimReply[] {
  const out: ScimReply[] = [];
  for (const record of message.split(RECORD_SEPARATOR)) {
    const reply = decodeReply(record, wanted);
    if (reply) out.push(reply);
  }
  return out;
}

export const replyChannel = (prefix: string): string => `${prefix}:scim-replies`;
