import type { Middleware } from 'koa';
import { containsUnstorableText } from '../../scim/storable-text';
import { badRequest } from './api-error';

/**
 * Right after the body parser: a JSON body or query string holding text PostgreSQL
 * cannot store or compare (U+0000, unpaired surrogates; JSON escapes make both easy)
 * is a 400 here, before any route reads a name or a cursor from it.
 */
export function storableInput(): Middleware {
  return async (ctx, next) => {
    if (containsUnstorableText(ctx.query)) throw badRequest('The query string contains U+0000 or an unpaired UTF-16 surrogate');
    if (containsUnstorableText(ctx.request.body)) throw badRequest('The request body contains U+0000 or an unpaired UTF-16 surrogate');
    await next();
  };
}
