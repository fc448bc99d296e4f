import type { Directory } from '../../../store/directory-store';
import type { RejectionPage } from '../../../store/scim-health-store';
import type { OperationTrace, SinkDelivery } from '../../../store/operation-trace';
import { html, queryString, timeTag, type SafeHtml } from '../html';
import { pager, renderPage, statusBadge } from '../layout';
import { directoryHeader } from './directory-page';
import type { PortalFrame } from './directory-sync-page';

/** Directory health in the Admin Portal (issue 13): the Rejected tab and one operation's trace (the overview's parts: health-cards.ts). */

export interface RejectedView {
  directory: Directory;
  page: RejectionPage;
  before?: string | undefined;
  /** RETENTION_REJECTIONS_DAYS (0: kept until the per-directory cap). */
  retentionDays: number;
}

export function rejectedPage(frame: PortalFrame, v: RejectedView): string {
  const base = `/portal/directories/${v.directory.id}/rejected`;
  return renderPage({
    ...frame,
    title: `Rejected · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'rejected')}
<p class="muted">SCIM requests from your identity provider that dirsync refused (4xx), newest first, with the reason and the attribute at fault. Values, tokens and request bodies are never recorded: paths keep ids only, filter values read “…”.${v.retentionDays > 0 ? ` Kept ${v.retentionDays} days.` : ''}</p>
<table class="table" data-testid="rejected-table">
  <caption class="visually-hidden">Rejected SCIM requests</caption>
  <thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Attribute</th><th scope="col">Reason</th></tr></thead>
  <tbody>${v.page.rows.length
    ? v.page.rows.map(
        (r) => html`<tr><td>${timeTag(r.at)}</td><td><code class="request">${r.method} ${r.path}</code></td><td>${statusBadge('error', String(r.status))}${r.scimType ? html` <span class="small muted">${r.scimType}</span>` : ''}</td><td>${r.attribute ? html`<code>${r.attribute}</code>` : html`<span class="muted">—</span>`}</td><td class="small">${r.detail}</td></tr>`,
      )
    : html`<tr><td colspan="5" class="empty">No rejected requests recorded.</td></tr>`}</tbody>
</table>
${pager({ prevHref: v.before ? base : undefined, nextHref: v.page.next && base + queryString({ before: v.page.next }) })}`,
  });
}

const DELIVERY_TEXT: Record<SinkDelivery['status'], string> = {
  delivered: 'Delivered',
  pending: 'Pending',
  retrying: 'Retrying',
  dead: 'Dead letter',
  sink_disabled: 'Sink disabled',
  not_applicable: 'Before this sink',
  held: 'Held',
};

function deliveryBadge(d: SinkDelivery, directoryId: string): SafeHtml {
  // A deprovisioning hold took the event out of delivery: link the hold and say where it stands.
  if (d.heldBy) {
    const state = d.heldBy.status === 'held' ? 'Held' : d.heldBy.status === 'released' ? 'Released (re-issued)' : 'Discarded';
    return html`<span class="badge ${d.heldBy.status === 'discarded' ? 'badge-error' : 'badge-warning'}">${state}</span> <a class="small" href="/portal/directories/${directoryId}/holds/${d.heldBy.holdId}">hold ${d.heldBy.holdId.slice(0, 8)}</a>`;
  }
  const tone = d.status === 'delivered' ? 'badge-active' : d.status === 'dead' ? 'badge-error' : d.status === 'retrying' || d.status === 'pending' ? 'badge-warning' : 'badge-disabled';
  return html`<span class="badge ${tone}">${DELIVERY_TEXT[d.status]}</span>`;
}

function deliveredCell(d: SinkDelivery): SafeHtml {
  if (d.deliveredAt) return timeTag(new Date(d.deliveredAt));
  if (d.deliveredBy) return html`<span class="small">by ${timeTag(new Date(d.deliveredBy))}</span>`;
  if (d.nextAttemptAt) return html`<span class="small muted">next try ${timeTag(new Date(d.nextAttemptAt))}</span>`;
  return html`<span class="muted">—</span>`;
}

export interface TraceView {
  directory: Directory;
  trace: OperationTrace;
}

export function tracePage(frame: PortalFrame, v: TraceView): string {
  const { request: rq, operation: op, events } = v.trace;
  const ok = op.status < 400;
  return renderPage({
    ...frame,
    title: `Trace · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'activity')}
<p><a href="/portal/directories/${v.directory.id}/activity">← Activity</a></p>
<ol class="trace" data-testid="operation-trace">
<li class="card trace-step"><h2>1. Request</h2>
  <dl class="trace-facts">
    <div><dt>Request</dt><dd><code class="request">${rq.summary}</code></dd></div>
    <div><dt>Received</dt><dd>${timeTag(new Date(rq.receivedAt))}</dd></div>
    <div><dt>Request id</dt><dd><code class="small">${rq.requestId ?? '—'}</code></dd></div>
  </dl>
</li>
<li class="card trace-step"><h2>2. Operation</h2>
  <dl class="trace-facts">
    <div><dt>Outcome</dt><dd>${statusBadge(ok ? 'ok' : 'error', String(op.status))}${op.scimType ? html` <span class="small muted">${op.scimType}</span>` : ''}${op.detail ? html`<span class="small block">${op.detail}</span>` : ''}</dd></div>
    <div><dt>Queue wait</dt><dd>${op.queueMs.toLocaleString('en-US')} ms</dd></div>
    <div><dt>Apply time</dt><dd>${op.applyMs.toLocaleString('en-US')} ms</dd></div>
    <div><dt>Attempts</dt><dd>${op.attempts}</dd></div>
    <div><dt>Applied</dt><dd>${timeTag(new Date(op.appliedAt))}</dd></div>
  </dl>
</li>
<li class="card trace-step"><h2>3. Events <span class="muted small">${v.trace.eventCount.toLocaleString('en-US')}</span></h2>
  ${events.length
    ? html`<table class="table compact">
    <caption class="visually-hidden">Events this operation wrote</caption>
    <thead><tr><th scope="col">Event</th><th scope="col" class="num">Resource version</th><th scope="col" class="num">Sequence</th></tr></thead>
    <tbody>${events.map((e) => html`<tr><td><code>${e.type}</code></td><td class="num">${e.resourceVersion}</td><td class="num">${e.sequence ?? html`<span class="muted">not yet</span>`}</td></tr>`)}</tbody>
  </table>${v.trace.eventCount > events.length ? html`<p class="small muted">The first ${events.length} of ${v.trace.eventCount.toLocaleString('en-US')} events.</p>` : ''}`
    : html`<p class="muted">${ok ? 'This write changed nothing, so it wrote no event.' : 'A rejected write changes nothing and writes no event.'}</p>`}
</li>
<li class="card trace-step"><h2>4. Delivery</h2>
  ${events.length && events[0]?.deliveries.length
    ? html`<table class="table compact" data-testid="trace-deliveries">
    <caption class="visually-hidden">Each sink's delivery of each event</caption>
    <thead><tr><th scope="col">Event</th><th scope="col">Sink</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th><th scope="col">Delivered</th></tr></thead>
    <tbody>${events.flatMap((e) =>
      e.deliveries.map(
        (d) => html`<tr><td><code class="small">#${e.sequence ?? '—'} ${e.type}</code></td><td>${d.sinkKind === 'app_model' ? 'App user model' : d.sinkName}</td><td>${deliveryBadge(d, v.directory.id)}</td><td class="num">${d.attempts}</td><td class="small">${d.lastError ?? html`<span class="muted">—</span>`}</td><td>${deliveredCell(d)}</td></tr>`,
      ),
    )}</tbody>
  </table>
  <p class="small muted">An event is delivered to a sink once the sink's cursor has passed it; “by” is the latest time it can have happened. Attempts count failed tries (0: it went through with its batch). Failed deliveries are retried with backoff and become dead letters after their attempts.</p>`
    : html`<p class="muted">${events.length ? 'No sink is configured.' : 'Nothing to deliver.'}</p>`}
</li>
</ol>`,
  });
}
