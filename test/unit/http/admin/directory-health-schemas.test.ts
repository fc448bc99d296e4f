import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  DirectoryHealthShare,
  HEALTH_SCHEMAS,
  OperationPage,
  OperationTrace,
  OperationsQuery,
  RejectedRequestPage,
  RejectedRequestsQuery,
} from '../../../../src/http/admin/directory-health-schemas';

const now = new Date().toISOString();

describe('directory health query schemas', () => {
  for (const [name, Query] of [['RejectedRequestsQuery', RejectedRequestsQuery], ['OperationsQuery', OperationsQuery]] as const) {
    it(`${name}: limit defaults to 50, comes from the query string as text, and stays within 1..500`, () => {
      assert.deepEqual(Query.parse({}), { limit: 50 });
      assert.deepEqual(Query.parse({ limit: '500', before: 'c1' }), { limit: 500, before: 'c1' });
      assert.equal(Query.parse({ limit: '1' }).limit, 1);
      for (const bad of ['0', '501', '2.5', 'ten', '-1']) assert.equal(Query.safeParse({ limit: bad }).success, false, `limit=${bad}`);
    });

    it(`${name}: refuses a cursor longer than 100 characters`, () => {
      assert.ok(Query.safeParse({ before: 'x'.repeat(100) }).success);
      assert.equal(Query.safeParse({ before: 'x'.repeat(101) }).success, false);
    });
  }
});

describe('directory health response schemas', () => {
  const rejected = { id: '17', at: now, method: 'PATCH', path: '/Users/{id}', status: 400, scimType: 'invalidPath', detail: 'no such attribute', attribute: 'emails[value eq "…"]', requestId: null };

  it('RejectedRequestPage: accepts a page, refuses a time without offset and a fractional status', () => {
    assert.ok(RejectedRequestPage.safeParse({ data: [rejected], nextCursor: null }).success);
    assert.ok(RejectedRequestPage.safeParse({ data: [], nextCursor: 'c' }).success);
    assert.equal(RejectedRequestPage.safeParse({ data: [{ ...rejected, at: '2024-01-01 00:00' }], nextCursor: null }).success, false);
    assert.equal(RejectedRequestPage.safeParse({ data: [{ ...rejected, status: 400.5 }], nextCursor: null }).success, false);
    assert.equal(RejectedRequestPage.safeParse({ data: [rejected] }).success, false, 'nextCursor is required (null on the last page)');
  });

  it('DirectoryHealthShare: needs both windows, a uuid and warnAbove', () => {
    const share = { total: 40, rejected: 3, share: 0.075, warning: true };
    const body = { directoryId: randomUUID(), lastHour: share, lastDay: { total: 0, rejected: 0, share: 0, warning: false }, warnAbove: 0.05 };
    assert.ok(DirectoryHealthShare.safeParse(body).success);
    assert.equal(DirectoryHealthShare.safeParse({ ...body, directoryId: 'dir-1' }).success, false);
    assert.equal(DirectoryHealthShare.safeParse({ ...body, lastDay: undefined }).success, false);
    assert.equal(DirectoryHealthShare.safeParse({ ...body, lastHour: { ...share, warning: 'yes' } }).success, false);
    assert.equal(DirectoryHealthShare.safeParse({ ...body, lastHour: { ...share, total: 1.5 } }).success, false);
  });

  const op = { id: randomUUID(), method: 'POST', resourceType: 'User', resourceId: null, summary: 'POST /Users', status: 201, scimType: null, receivedAt: now, appliedAt: now, queueMs: 3, applyMs: 12 };

  it('OperationPage: accepts a list item, refuses a non-uuid id and missing timings', () => {
    assert.ok(OperationPage.safeParse({ data: [op], nextCursor: null }).success);
    assert.equal(OperationPage.safeParse({ data: [{ ...op, id: '42' }], nextCursor: null }).success, false);
    const { queueMs: _q, ...noQueue } = op;
    assert.equal(OperationPage.safeParse({ data: [noQueue], nextCursor: null }).success, false);
  });

  const delivery = { sinkId: randomUUID(), sinkName: 'Webhook', sinkKind: 'webhook', status: 'delivered', attempts: 0, lastStatus: null, lastError: null, deliveredAt: null, deliveredBy: now, nextAttemptAt: null };
  const trace = (deliveries: unknown[] = [delivery]) => ({
    request: { requestId: 'req-1', method: 'PATCH', resourceType: 'User', resourceId: 'u1', summary: 'PATCH /Users/u1 ops=replace:active', receivedAt: now },
    operation: { id: randomUUID(), status: 200, scimType: null, detail: null, appliedAt: now, queueMs: 1, applyMs: 2, attempts: 1 },
    events: [{ id: randomUUID(), type: 'user.deactivated', resourceType: 'user', resourceId: 'u1', resourceVersion: 2, sequence: null, occurredAt: now, deliveries }],
    eventCount: 1,
  });

  it('OperationTrace: accepts every delivery status the store derives, and a hold', () => {
    for (const status of ['delivered', 'pending', 'retrying', 'dead', 'sink_disabled', 'not_applicable']) {
      assert.ok(OperationTrace.safeParse(trace([{ ...delivery, status }])).success, status);
    }
    assert.ok(OperationTrace.safeParse(trace([{ ...delivery, status: 'pending', heldBy: { holdId: 'h1', status: 'held' } }])).success);
    assert.ok(OperationTrace.safeParse(trace([])).success, 'an event without sinks');
  });

  it('OperationTrace: refuses an unknown delivery status, a bad time and a missing eventCount', () => {
    assert.equal(OperationTrace.safeParse(trace([{ ...delivery, status: 'lost' }])).success, false);
    assert.equal(OperationTrace.safeParse(trace([{ ...delivery, deliveredBy: 'yesterday' }])).success, false);
    assert.equal(OperationTrace.safeParse(trace([{ ...delivery, sinkId: 'sink-1' }])).success, false);
    const { eventCount: _c, ...noCount } = trace();
    assert.equal(OperationTrace.safeParse(noCount).success, false);
  });

  it('names the four response schemas for the OpenAPI components', () => {
    assert.deepEqual(Object.keys(HEALTH_SCHEMAS).sort(), ['DirectoryHealthShare', 'OperationPage', 'OperationTrace', 'RejectedRequestPage']);
    assert.equal(HEALTH_SCHEMAS.OperationTrace, OperationTrace);
  });
});
