import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { ScimError } from '../../scim/scim-error';
import { jsonDepthExceeds } from '../../scim/json-depth';
import { containsUnstorableText } from '../../scim/storable-text';

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a SCIM JSON body: `application/scim+json` or `application/json` (both
 * sent by Okta), at most `maxBytes` (413), strict UTF-8 and JSON (400
 * invalidSyntax), nesting at most `maxDepth` (400). Never throws anything but ScimError.
 */
export async function readScimBody(ctx: Context, limits: BodyLimits): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > limits.maxBytes) throw new ScimError(413, `Request body exceeds ${limits.maxBytes} bytes`);
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit: limits.maxBytes, length: ctx.get('content-length') || undefined });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new ScimError(413, `Request body exceeds ${limits.maxBytes} bytes`);
    throw new ScimError(400, 'Request body could not be read', 'invalidSyntax');
  }
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    throw new ScimError(400, 'Request body is not valid UTF-8', 'invalidSyntax');
  }
  if (!text.trim()) throw new ScimError(400, 'Request body is empty', 'invalidSyntax');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ScimError(400, 'Request body is not valid JSON', 'invalidSyntax');
  }
  if (jsonDepthExceeds(value, limits.maxDepth)) throw new ScimError(400, `Request body nests deeper than ${limits.maxDepth} levels`, 'invalidSyntax');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScimError(400, 'Request body must be a JSON object', 'invalidSyntax');
  if (containsUnstorableText(value)) throw new ScimError(400, 'Request body contains U+0000 or an unpaired UTF-16 surrogate', 'invalidValue');
  return value;
}
