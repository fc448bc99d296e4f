import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, badRequest, notFound } from '../../../../src/http/admin/api-error';

describe('ApiError', () => {
  it('carries status, a stable code, the message and optional details', () => {
    const e = new ApiError(409, 'conflict', 'Already exists', { field: 'name' });
    assert.deepEqual([e.status, e.code, e.message, e.details, e.name], [409, 'conflict', 'Already exists', { field: 'name' }, 'ApiError']);
    assert.ok(e instanceof Error);
  });

  it('has shorthands for 404 and 400', () => {
    const nf = notFound('Directory');
    assert.deepEqual([nf.status, nf.code, nf.message, nf.details], [404, 'not_found', 'Directory not found', undefined]);
    const br = badRequest('Bad name', [{ path: 'name' }]);
    assert.deepEqual([br.status, br.code, br.message, br.details], [400, 'invalid_request', 'Bad name', [{ path: 'name' }]]);
  });
});
