import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Koa from 'koa';
import { pino } from 'pino';
import { jsonErrorHandler } from '../../../../src/http/admin/json-error-handler';
import { ApiError } from '../../../../src/http/admin/api-error';
import { serve, type Served } from '../../../support/koa-request';

describe('jsonErrorHandler', () => {
  let s: Served;
  const logged: string[] = [];
  before(async () => {
    const log = pino({ level: 'error' }, new Writable({ write: (c: Buffer, _e, cb) => (logged.push(c.toString()), cb()) }));
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-1';
      await next();
    });
    app.use(jsonErrorHandler(log));
    app.use((ctx) => {
      if (ctx.path === '/api') throw new ApiError(409, 'conflict', 'Taken', { name: 'x' });
      if (ctx.path === '/plain') throw new ApiError(400, 'invalid_request', 'Bad');
      if (ctx.path === '/413') throw Object.assign(new Error('too big'), { status: 413 });
      if (ctx.path === '/400') throw Object.assign(new Error('parse error at byte 3'), { status: 400 });
      if (ctx.path === '/boom') throw new Error('secret internals: SELECT * FROM users');
      if (ctx.path === '/ok') ctx.body = { fine: true };
    });
    s = await serve(app);
  });
  after(() => s.close());

  const json = async (path: string) => {
    const res = await s.request(path);
    return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
  };

  it('renders ApiError with its status, code, message, details and the request id', async () => {
    assert.deepEqual(await json('/api'), { status: 409, body: { error: { code: 'conflict', message: 'Taken', details: { name: 'x' }, requestId: 'req-1' } } });
    assert.deepEqual((await json('/plain')).body, { error: { code: 'invalid_request', message: 'Bad', requestId: 'req-1' } });
  });

  it('turns an unknown route into a JSON 404', async () => {
    const r = await json('/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.body.error['code'], 'not_found');
    assert.match(String(r.body.error['message']), /GET \/nothing-here/);
  });

  it('maps client errors of the body parser without echoing their text', async () => {
    assert.deepEqual(await json('/413'), { status: 413, body: { error: { code: 'payload_too_large', message: 'Request body too large', requestId: 'req-1' } } });
    const r = await json('/400');
    assert.deepEqual(r.body.error, { code: 'invalid_request', message: 'Malformed request', requestId: 'req-1' });
  });

  it('hides internal errors behind a bare 500 and logs them', async () => {
    const r = await json('/boom');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body.error, { code: 'internal', message: 'Internal error (request id req-1)', requestId: 'req-1' });
    assert.ok(logged.some((l) => l.includes('admin api error') && l.includes('req-1')));
  });

  it('passes successful responses through', async () => {
    const res = await s.request('/ok');
    assert.deepEqual([res.status, await res.json()], [200, { fine: true }]);
  });
});
