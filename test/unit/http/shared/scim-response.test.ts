import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCIM_CONTENT_TYPE, sendScimError, sendScimResult } from '../../../../src/http/shared/scim-response';
import { ScimError } from '../../../../src/scim/scim-error';
import { contextFor } from '../../../support/koa-context';

describe('sendScimResult', () => {
  it('writes status, SCIM content type, ETag and Location of a 201', () => {
    const ctx = contextFor({ path: '/' });
    sendScimResult(ctx, { status: 201, body: { id: 'x' }, etag: 'W/"1"', location: 'https://h/Users/x' });
    assert.deepEqual([ctx.status, ctx.body, ctx.response.get('ETag'), ctx.response.get('Location')], [201, { id: 'x' }, 'W/"1"', 'https://h/Users/x']);
    assert.equal(ctx.response.get('Content-Type'), SCIM_CONTENT_TYPE);
  });

  it('sets Location only on 201 and sends no body with 204', () => {
    const ok = contextFor({ path: '/' });
    sendScimResult(ok, { status: 200, body: { id: 'x' }, location: 'https://h/Users/x' });
    assert.equal(ok.response.get('Location') ?? '', '');
    const gone = contextFor({ path: '/' });
    sendScimResult(gone, { status: 204, body: { ignored: true } });
    assert.deepEqual([gone.status, gone.body], [204, null]);
  });
});

describe('sendScimError', () => {
  it('writes the SCIM error body with its status', () => {
    const ctx = contextFor({ path: '/' });
    sendScimError(ctx, new ScimError(409, 'taken', 'uniqueness'));
    assert.equal(ctx.status, 409);
    assert.deepEqual(ctx.body, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'taken' });
    assert.equal(ctx.response.get('Content-Type'), SCIM_CONTENT_TYPE);
  });
});
