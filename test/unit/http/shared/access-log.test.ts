import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { accessLog } from '../../../../src/http/shared/access-log';
import { contextFor } from '../../../support/koa-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(JSON.parse(c.toString()) as Record<string, unknown>), cb()) }));
  return { log, lines };
}

describe('accessLog', () => {
  it('logs method, route without the query string, status, time and directory', async () => {
    const { log, lines } = capture();
    const ctx = contextFor({ path: '/scim/v2/d1/Users?filter=userName%20eq%20%22secret%40x%22', method: 'GET' });
    ctx.state.requestId = 'r1';
    await accessLog(log)(ctx, () => {
      ctx.state.principal = { directoryId: 'd1' };
      ctx.status = 200;
      return Promise.resolve();
    });
    const line = lines[0]!;
    assert.deepEqual([line['msg'], line['requestId'], line['method'], line['route'], line['status'], line['directoryId']], ['request', 'r1', 'GET', '/scim/v2/d1/Users', 200, 'd1']);
    assert.equal(typeof line['ms'], 'number');
    assert.ok(!JSON.stringify(line).includes('secret'), 'the filter (user data) is never logged');
  });

  it('prefers the matched route pattern (ids as parameters) and logs even when the handler throws', async () => {
    const { log, lines } = capture();
    const ctx = contextFor({ path: '/scim/v2/d1/Users/u1' });
    ctx._matchedRoute = '/scim/v2/:directoryId/Users/:id';
    await assert.rejects(
      accessLog(log)(ctx, () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(lines[0]!['route'], '/scim/v2/:directoryId/Users/:id');
  });
});
