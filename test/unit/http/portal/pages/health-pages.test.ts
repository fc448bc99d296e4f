import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rejectedPage, tracePage } from '../../../../../src/http/portal/pages/health-pages';
import type { RejectionRecord } from '../../../../../src/store/scim-health-store';
import type { OperationTrace, SinkDelivery, TraceEvent } from '../../../../../src/store/operation-trace';
import { ESCAPED, HOSTILE, directory, frame } from '../../../../support/portal-fixtures';

const d = directory();
const base = `/portal/directories/${d.id}/rejected`;
const rejection = (over: Partial<RejectionRecord & { id: number }> = {}): RejectionRecord & { id: number } => ({
  id: 1,
  directoryId: d.id,
  at: new Date('2024-03-01T10:00:00Z'),
  method: 'PATCH',
  path: `/Users/${HOSTILE}`,
  status: 400,
  scimType: 'invalidPath',
  detail: `no such attribute ${HOSTILE}`,
  attribute: `emails[value eq "${HOSTILE}"]`,
  requestId: 'req-1',
  ...over,
});

describe('rejectedPage', () => {
  it('shows each rejection escaped: request, status with scimType, attribute and reason', () => {
    const page = rejectedPage(frame, { directory: d, page: { rows: [rejection()] }, retentionDays: 0 });
    assert.ok(!page.includes(HOSTILE));
    assert.ok(page.includes(`<code class="request">PATCH /Users/${ESCAPED}</code>`));
    assert.ok(page.includes('<span class="badge badge-error">400</span> <span class="small muted">invalidPath</span>'));
    assert.ok(page.includes(`<code>emails[value eq &quot;${ESCAPED}&quot;]</code>`));
    assert.ok(page.includes(`<td class="small">no such attribute ${ESCAPED}</td>`));
    assert.ok(page.includes('<time datetime="2024-03-01T10:00:00.000Z"'));
    assert.ok(page.includes(`href="/portal/directories/${d.id}/rejected" aria-current="page"`), 'the Rejected tab is current');
  });

  it('shows a dash without attribute and no scimType when there is none', () => {
    const page = rejectedPage(frame, { directory: d, page: { rows: [rejection({ attribute: null, scimType: null, status: 404 })] }, retentionDays: 0 });
    assert.ok(page.includes('<td><span class="muted">—</span></td>'));
    assert.ok(page.includes('<span class="badge badge-error">404</span></td>'));
  });

  it('says when nothing was rejected, and the retention only when there is one', () => {
    const empty = rejectedPage(frame, { directory: d, page: { rows: [] }, retentionDays: 0 });
    assert.ok(empty.includes('<td colspan="5" class="empty">No rejected requests recorded.</td>'));
    assert.ok(!empty.includes('Kept '));
    assert.ok(rejectedPage(frame, { directory: d, page: { rows: [] }, retentionDays: 14 }).includes(' Kept 14 days.'));
  });

  it('pages back to older rejections with the cursor encoded, and forward to the newest', () => {
    const cursor = '2024-03-01 10:00:00+00|17';
    const first = rejectedPage(frame, { directory: d, page: { rows: [rejection()], next: cursor }, retentionDays: 0 });
    assert.ok(first.includes(`href="${base}?before=2024-03-01+10%3A00%3A00%2B00%7C17" rel="next"`));
    assert.ok(first.includes('<span class="btn btn-secondary" aria-disabled="true">← Previous</span>'));
    const later = rejectedPage(frame, { directory: d, page: { rows: [rejection()] }, before: cursor, retentionDays: 0 });
    assert.ok(later.includes(`href="${base}" rel="prev"`));
    assert.ok(!rejectedPage(frame, { directory: d, page: { rows: [rejection()] }, retentionDays: 0 }).includes('class="pager"'));
  });
});

const delivery = (over: Partial<SinkDelivery> = {}): SinkDelivery => ({
  sinkId: 's1',
  sinkName: `Hook ${HOSTILE}`,
  sinkKind: 'webhook',
  status: 'delivered',
  attempts: 0,
  lastStatus: null,
  lastError: null,
  deliveredAt: null,
  deliveredBy: '2024-03-01T10:00:05.000Z',
  nextAttemptAt: null,
  ...over,
});
const event = (over: Partial<TraceEvent> = {}): TraceEvent => ({
  id: 'e1',
  type: 'user.updated',
  resourceType: 'user',
  resourceId: 'u1',
  resourceVersion: 3,
  sequence: 41,
  occurredAt: '2024-03-01T10:00:01.000Z',
  deliveries: [delivery()],
  ...over,
});
const trace = (over: { operation?: Partial<OperationTrace['operation']>; request?: Partial<OperationTrace['request']>; events?: TraceEvent[]; eventCount?: number } = {}): OperationTrace => {
  const events = over.events ?? [event()];
  return {
    request: { requestId: 'req-1', method: 'PATCH', resourceType: 'User', resourceId: 'u1', summary: `PATCH /Users/${HOSTILE} ops=replace:active`, receivedAt: '2024-03-01T10:00:00.000Z', ...over.request },
    operation: { id: 'op-1', status: 200, scimType: null, detail: null, appliedAt: '2024-03-01T10:00:01.000Z', queueMs: 1500, applyMs: 12, attempts: 1, ...over.operation },
    events,
    eventCount: over.eventCount ?? events.length,
  };
};

describe('tracePage', () => {
  it('shows the request, the operation and its timings, escaped, with a link back to Activity', () => {
    const page = tracePage(frame, { directory: d, trace: trace() });
    assert.ok(!page.includes(HOSTILE));
    assert.ok(page.includes(`<code class="request">PATCH /Users/${ESCAPED} ops=replace:active</code>`));
    assert.ok(page.includes(`<a href="/portal/directories/${d.id}/activity">← Activity</a>`));
    assert.ok(page.includes('<code class="small">req-1</code>'));
    assert.ok(page.includes('<span class="badge badge-ok">200</span>'));
    assert.ok(page.includes('<dd>1,500 ms</dd>'));
    assert.ok(page.includes(`href="/portal/directories/${d.id}/activity" aria-current="page"`), 'the Activity tab is current');
  });

  it('shows a failed operation with its scimType and escaped detail, and says it wrote no event', () => {
    const page = tracePage(frame, { directory: d, trace: trace({ operation: { status: 409, scimType: 'uniqueness', detail: HOSTILE }, request: { requestId: null }, events: [] }) });
    assert.ok(page.includes(`<span class="badge badge-error">409</span> <span class="small muted">uniqueness</span><span class="small block">${ESCAPED}</span>`));
    assert.ok(page.includes('<code class="small">—</code>'), 'no request id');
    assert.ok(page.includes('A rejected write changes nothing and writes no event.'));
    assert.ok(page.includes('<p class="muted">Nothing to deliver.</p>'));
    assert.ok(tracePage(frame, { directory: d, trace: trace({ events: [] }) }).includes('This write changed nothing, so it wrote no event.'));
  });

  it('lists events, says a sequence is not yet assigned, and that the list is cut short', () => {
    const page = tracePage(frame, { directory: d, trace: trace({ events: [event(), event({ id: 'e2', type: 'user.deactivated', sequence: null })], eventCount: 1234 }) });
    assert.ok(page.includes('<tr><td><code>user.updated</code></td><td class="num">3</td><td class="num">41</td></tr>'));
    assert.ok(page.includes('<td class="num"><span class="muted">not yet</span></td>'));
    assert.ok(page.includes('The first 2 of 1,234 events.'));
    assert.ok(!tracePage(frame, { directory: d, trace: trace() }).includes('The first'));
  });

  it('shows each delivery: the sink name escaped, the app user model by its name, and each status', () => {
    const page = tracePage(frame, {
      directory: d,
      trace: trace({
        events: [
          event({
            deliveries: [
              delivery(),
              delivery({ sinkKind: 'app_model', sinkName: 'internal' }),
              delivery({ status: 'retrying', attempts: 2, lastError: HOSTILE, deliveredBy: null, nextAttemptAt: '2024-03-01T10:05:00.000Z' }),
              delivery({ status: 'dead', deliveredBy: null }),
              delivery({ status: 'sink_disabled', deliveredBy: null }),
              delivery({ status: 'not_applicable', deliveredBy: null }),
              delivery({ status: 'delivered', deliveredAt: '2024-03-01T10:09:00.000Z' }),
            ],
          }),
        ],
      }),
    });
    assert.ok(!page.includes(HOSTILE));
    assert.ok(page.includes('data-testid="trace-deliveries"'));
    assert.ok(page.includes(`<td><code class="small">#41 user.updated</code></td><td>Hook ${ESCAPED}</td><td><span class="badge badge-active">Delivered</span></td>`));
    assert.ok(page.includes('<td>App user model</td>'));
    assert.ok(!page.includes('>internal<'));
    assert.ok(page.includes(`<span class="badge badge-warning">Retrying</span></td><td class="num">2</td><td class="small">${ESCAPED}</td><td><span class="small muted">next try <time datetime="2024-03-01T10:05:00.000Z"`));
    assert.ok(page.includes('<span class="badge badge-error">Dead letter</span>'));
    assert.ok(page.includes('<span class="badge badge-disabled">Sink disabled</span>'));
    assert.ok(page.includes('<span class="badge badge-disabled">Before this sink</span>'));
    assert.ok(page.includes('<span class="small">by <time datetime="2024-03-01T10:00:05.000Z"'));
    assert.ok(page.includes('<td><time datetime="2024-03-01T10:09:00.000Z"'));
  });

  it('shows a held delivery with its hold (escaped, linked) and where the hold stands, and says when no sink is configured', () => {
    const held = tracePage(frame, { directory: d, trace: trace({ events: [event({ deliveries: [delivery({ status: 'held', heldBy: { holdId: HOSTILE, status: 'held' } })] })] }) });
    assert.ok(held.includes('<span class="badge badge-warning">Held</span>'), held);
    assert.ok(held.includes(`href="/portal/directories/${d.id}/holds/${ESCAPED}"`));
    assert.ok(!held.includes('>Pending<'));
    const released = tracePage(frame, { directory: d, trace: trace({ events: [event({ deliveries: [delivery({ status: 'held', heldBy: { holdId: 'h1', status: 'released' } })] })] }) });
    assert.ok(released.includes('<span class="badge badge-warning">Released (re-issued)</span>'));
    const discarded = tracePage(frame, { directory: d, trace: trace({ events: [event({ deliveries: [delivery({ status: 'held', heldBy: { holdId: 'h1', status: 'discarded' } })] })] }) });
    assert.ok(discarded.includes('<span class="badge badge-error">Discarded</span>'));
    const noSink = tracePage(frame, { directory: d, trace: trace({ events: [event({ deliveries: [] })] }) });
    assert.ok(noSink.includes('<p class="muted">No sink is configured.</p>'));
    assert.ok(!noSink.includes('trace-deliveries'));
  });
});
