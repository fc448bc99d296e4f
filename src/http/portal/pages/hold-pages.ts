import type { Directory } from '../../../store/directory-store';
import type { Hold, HoldPerson } from '../../../store/hold-store';
import type { BreakerSettingsView } from '../../../delivery/hold-admin';
import { html, timeTag, type SafeHtml } from '../html';
import { csrfField, renderPage } from '../layout';
import type { PortalFrame } from './directory-sync-page';
import { directoryHeader } from './directory-page';

const KIND_TEXT: Record<string, string> = { deactivation: 'Deactivated', deletion: 'Deleted', role_removal: 'Role removed', group_deletion: 'Group deleted' };

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function countsText(h: Hold): string {
  const c = h.counts;
  const parts = [
    c.deactivations ? plural(c.deactivations, 'deactivation', 'deactivations') : '',
    c.deletions ? plural(c.deletions, 'deletion', 'deletions') : '',
    c.roleRemovals ? plural(c.roleRemovals, 'role removal', 'role removals') : '',
    c.groupDeletions ? plural(c.groupDeletions, 'group deletion', 'group deletions') : '',
  ].filter(Boolean);
  return parts.join(', ') || 'nothing destructive left';
}

/** The banner on a directory's overview while a hold is open (directory-page.ts shows it). */
export function holdBanner(directoryId: string, hold: Hold | undefined): SafeHtml {
  if (!hold) return html``;
  return html`<div class="notice notice-warning" role="alert" data-hold="${hold.id}">
  <b>Deprovisioning is on hold.</b> Your identity provider sent more destructive changes than this directory's limits allow
  (${countsText(hold)}; ${plural(hold.people, 'person', 'people')} would lose access). They are stored but not passed to the app until you decide.
  <a href="/portal/directories/${directoryId}/holds/${hold.id}">Review the held changes</a>
</div>`;
}

const CONFIRM = {
  release: 'Release the held changes? Everyone listed loses access in the app.',
  discard: 'Discard the held changes? The app keeps everyone listed as they are; the drift report will show the difference.',
};

/** Who would lose access, counts by kind, and the Release / Discard buttons. */
export function holdPage(frame: PortalFrame, d: Directory, hold: Hold, people: HoldPerson[], noticeText?: string): string {
  const csrf = csrfField(frame.csrfToken);
  const open = hold.status === 'held';
  return renderPage({
    ...frame,
    title: `Hold · ${d.name}`,
    main: html`${directoryHeader(d, 'overview')}
${noticeText ? html`<div class="notice notice-success" role="status">${noticeText}</div>` : ''}
<section class="card" aria-labelledby="hold-title">
  <h2 id="hold-title">Held changes <span class="badge ${open ? 'badge-warning' : 'badge-disabled'}">${open ? 'Held' : hold.status === 'released' ? 'Released' : 'Discarded'}</span></h2>
  <p>${countsText(hold)}${hold.counts.cancelled ? html` · ${plural(hold.counts.cancelled, 'change', 'changes')} undone by a later change (never delivered)` : ''}.</p>
  <dl class="stat-grid">
    <div class="card stat"><dt>Deactivations</dt><dd class="stat-number">${hold.counts.deactivations}</dd></div>
    <div class="card stat"><dt>Deletions</dt><dd class="stat-number">${hold.counts.deletions}</dd></div>
    <div class="card stat"><dt>Role removals</dt><dd class="stat-number">${hold.counts.roleRemovals}</dd></div>
    <div class="card stat"><dt>Group deletions</dt><dd class="stat-number">${hold.counts.groupDeletions}</dd></div>
  </dl>
  <p class="small muted">First ${timeTag(hold.firstAt)} · last ${timeTag(hold.lastAt)}${hold.closedAt ? html` · ${hold.status} ${timeTag(hold.closedAt)}` : ''}</p>
  ${open
    ? html`<div class="actions">
    <form method="post" action="/portal/directories/${d.id}/holds/${hold.id}/release" data-confirm="${CONFIRM.release}">${csrf}<button type="submit" class="btn btn-danger">Release</button></form>
    <form method="post" action="/portal/directories/${d.id}/holds/${hold.id}/discard" data-confirm="${CONFIRM.discard}">${csrf}<button type="submit" class="btn btn-secondary">Discard</button></form>
  </div>
  <p class="small muted"><b>Release</b> passes the held changes to the app in the order they happened. <b>Discard</b> never passes them: the app keeps these people as they are, and the drift report lists the difference.</p>`
    : ''}
</section>
<section class="card" aria-labelledby="people-title">
  <h2 id="people-title">Who would lose access (${people.length.toLocaleString('en-US')})</h2>
  <table class="table compact">
    <caption class="visually-hidden">People the held changes would take access from</caption>
    <thead><tr><th scope="col">User</th><th scope="col">Change</th><th scope="col">Roles lost</th></tr></thead>
    <tbody>${people.map((p) => html`<tr><td>${p.userName ?? p.userId}</td><td>${p.kinds.map((k) => KIND_TEXT[k] ?? k).join(', ')}</td><td>${p.roles.join(', ') || html`<span class="muted">none</span>`}</td></tr>`)}</tbody>
  </table>
</section>`,
  });
}

/** The per-directory thresholds form (on the hold list page). */
export function breakerPage(frame: PortalFrame, d: Directory, settings: BreakerSettingsView, holds: Hold[], saved: boolean): string {
  const csrf = csrfField(frame.csrfToken);
  return renderPage({
    ...frame,
    title: `Deprovisioning protection · ${d.name}`,
    main: html`${directoryHeader(d, 'overview')}
${saved ? html`<div class="notice notice-success" role="status">The limits were saved.</div>` : ''}
<section class="card" aria-labelledby="breaker-title">
  <h2 id="breaker-title">Deprovisioning protection</h2>
  <p class="small muted">When, within the window, this directory's deactivations, deletions, role removals and group deletions reach BOTH the number and the share of active users below, further ones are held until you release or discard them. Everything else keeps flowing.</p>
  <form method="post" action="/portal/directories/${d.id}/breaker" class="form-grid">
    ${csrf}
    <label><input type="checkbox" name="enabled" value="true"${settings.enabled ? html` checked` : ''}> Protection on</label>
    <label>Window (minutes) <input type="number" name="windowMinutes" min="1" max="1440" required value="${Math.round(settings.windowSeconds / 60)}"></label>
    <label>Number of changes <input type="number" name="minCount" min="1" max="1000000" required value="${settings.minCount}"></label>
    <label>Share of active users (%) <input type="number" name="minPercent" min="0" max="100" step="0.1" required value="${settings.minPercent}"></label>
    <div class="actions"><button type="submit" class="btn btn-primary">Save limits</button></div>
  </form>
</section>
<section class="card" aria-labelledby="holds-title">
  <h2 id="holds-title">Holds</h2>
  ${holds.length
    ? html`<table class="table compact"><thead><tr><th scope="col">Held</th><th scope="col">Status</th><th scope="col">Changes</th></tr></thead>
  <tbody>${holds.map((h) => html`<tr><td><a href="/portal/directories/${d.id}/holds/${h.id}">${timeTag(h.createdAt)}</a></td><td>${h.status}</td><td>${countsText(h)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No holds yet.</p>`}
</section>`,
  });
}
