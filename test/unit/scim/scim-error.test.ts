import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_SCHEMA, ScimError, badRequest, scimErrorBody } from '../../../src/scim/scim-error';

describe('ScimError', () => {
  it('renders status as a string and the detail, per RFC 7644 §3.12', () => {
    const body = scimErrorBody(new ScimError(404, 'User x not found'));
    assert.deepEqual(body, { schemas: [ERROR_SCHEMA], status: '404', detail: 'User x not found' });
    assert.equal('scimType' in body, false, 'no scimType key when none was given');
  });

  it('badRequest is a 400 with its scimType', () => {
    const e = badRequest('invalidFilter', 'bad filter');
    assert.ok(e instanceof ScimError && e instanceof Error);
    assert.equal(e.status, 400);
    assert.equal(e.name, 'ScimError');
    assert.deepEqual(scimErrorBody(e), { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter', detail: 'bad filter' });
  });
});
