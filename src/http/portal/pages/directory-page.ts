import type { Directory, DirectoryToken } from '../../../store/directory-store';
import type { DirectoryHealth } from '../../../store/portal-read-store';
import type { ThrottleStats } from '../../../ops/throttle-stats';
import { html, timeTag, type SafeHtml } from '../html';
import { copyField, csrfField, notice, renderPage, statusBadge } from '../layout';
import { providerGuide } from '../provider-guides';
import type { PortalFrame } from './directory-sync-page';
import { setupSteps } from './setup-page';
import { rejectionShareCard, rejectionWarning, type HealthShares } from './health-cards';
import type { Hold } from '../../../store/hold-store';

export type DirectorySection = 'overview' | 'users' | 'groups' | 'activity' | 'rejected';

/** Breadcrumb, title and the directory's sub-navigation, shared by its pages. */
export function directoryHeader(d: Directory, current: DirectorySection): SafeHtml {
  const link = (section: DirectorySection, label: string, path: string) =>
    html`<a href="/portal/directories/${d.id}${path}"${current === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<p class="breadcrumb"><a href="/portal/directory-sync">Directory Sync</a> / ${d.name}</p>
<div class="title-row"><h1>${d.name}</h1>${statusBadge(d.status)}</div>
<nav class="subnav" aria-label="Directory">
  ${link('overview', 'Overview', '')}${link('users', 'Users', '/users')}${link('groups', 'Groups', '/groups')}${link('activity', 'Activity', '/activity')}${link('rejected', 'Rejected', '/rejected')}
</nav>`;
}

function tokenState(t: DirectoryToken): SafeHtml {
  if (t.revokedAt) return html`<span class="badge badge-disabled">Revoked</span>`;
  if (t.expiresAt && t.expiresAt.getTime() <= Date.now()) return html`<span class="badge badge-disabled">Expired</span>`;
  if (t.expiresAt) return html`<span class="badge badge-warning">Until ${timeTag(t.expiresAt, '', true)}</span>`;
  return html`<span class="badge badge-active">Active</span>`;
}

const isLive = (t: DirectoryToken): boolean => !t.revokedAt && !(t.expiresAt && t.expiresAt.getTime() <= Date.now());

export interface DirectoryOverview {
  directory: Directory;
  health: DirectoryHealth;
  tokens: DirectoryToken[];
  scimUrl: string;
  rotateNonce: string;
  noticeCode?: string | undefined;
  /** Rate limiting of this directory's SCIM traffic (429s sent to the provider, which retries them). */
  throttle?: ThrottleStats | undefined;
  /** The 4xx share over 1 h and 24 h (directory health). */
  shares?: HealthShares | undefined;
  /** The circuit breaker's open hold (a banner), if any. */
  hold?: Hold | undefined;
  /** Renders that banner (pages/hold-pages.ts). */
  holdBanner?: SafeHtml | undefined;
}

function throttleCard(t: ThrottleStats | undefined): SafeHtml {
  if (!t) return html``;
  const window = `${t.currentWindowCount.toLocaleString('en-US')} of ${t.limit.toLocaleString('en-US')} requests in the current ${t.windowSeconds} s window`;
  return html`<div class="card stat"><dt>Throttling</dt><dd>${t.throttledTotal ? html`<span class="stat-number">${t.throttledTotal.toLocaleString('en-US')}</span> <span class="small">requests answered 429 (the provider retries them)</span><span class="small muted block">last ${timeTag(t.lastThrottledAt, 'never')}</span>` : html`<span class="muted">None</span>`}<span class="small muted block">${window}</span></dd></div>`;
}

/** Status, connection (URL, tokens, rotate/revoke), setup steps, and the danger zone. */
export function directoryPage(frame: PortalFrame, v: DirectoryOverview): string {
  const d = v.directory;
  const guide = providerGuide(d.provider);
  const h = v.health;
  const live = v.tokens.filter(isLive).length;
  const csrf = csrfField(frame.csrfToken);
  return renderPage({
    ...frame,
    title: d.name,
    main: html`${directoryHeader(d, 'overview')}
${notice(v.noticeCode)}
${rejectionWarning(d.id, d.provider, v.shares)}
${v.holdBanner ?? ''}
${d.status === 'disabled' ? html`<div class="notice notice-warning" role="status">This directory is disabled: SCIM requests from ${guide?.name ?? 'the provider'} are refused.</div>` : ''}
<section aria-labelledby="status-title">
  <h2 id="status-title" class="visually-hidden">Status</h2>
  <dl class="stat-grid">
    <div class="card stat"><dt>Last request</dt><dd>${timeTag(h.lastRequestAt, 'No request yet')}</dd></div>
    <div class="card stat"><dt>Last error</dt><dd>${h.lastError ? html`${statusBadge('error', String(h.lastError.status))} <code class="small request">${h.lastError.summary}</code>${h.lastError.detail ? html`<span class="small block">${h.lastError.detail.slice(0, 160)}</span>` : ''}<span class="small muted block">${timeTag(h.lastError.appliedAt)}</span>` : html`<span class="muted">None</span>`}</dd></div>
    <div class="card stat"><dt>Users</dt><dd class="stat-number"><a href="/portal/directories/${d.id}/users">${h.userCount.toLocaleString('en-US')}</a></dd></div>
    <div class="card stat"><dt>Groups</dt><dd class="stat-number"><a href="/portal/directories/${d.id}/groups">${h.groupCount.toLocaleString('en-US')}</a></dd></div>
    ${rejectionShareCard(d.id, v.shares)}
    ${throttleCard(v.throttle)}
    <div class="card stat"><dt>Deprovisioning protection</dt><dd><a href="/portal/directories/${d.id}/breaker">${v.hold ? 'On hold: review' : 'Limits and holds'}</a></dd></div>
  </dl>
</section>
<div class="two-col">
  <section class="card" aria-labelledby="connection-title">
    <h2 id="connection-title">Connection</h2>
    ${copyField('scim-url', `SCIM endpoint URL${guide ? ` (${guide.urlLabel})` : ''}`, v.scimUrl)}
    <h3>Bearer tokens</h3>
    <table class="table compact">
      <caption class="visually-hidden">Bearer tokens of this directory</caption>
      <thead><tr><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
      <tbody>${v.tokens.map((t) => html`<tr><td><code>${t.prefix}…</code></td><td>${timeTag(t.createdAt, 'Never', true)}</td><td>${timeTag(t.lastUsedAt, 'Never', true)}</td><td>${tokenState(t)}</td></tr>`)}</tbody>
    </table>
    <div class="actions">
      <form method="post" action="/portal/directories/${d.id}/rotate" data-confirm="Create a new bearer token? The current token keeps working for the grace period, until you revoke it.">
        ${csrf}<input type="hidden" name="_nonce" value="${v.rotateNonce}">
        <button type="submit" class="btn btn-secondary">Rotate token</button>
      </form>
      ${live > 1
        ? html`<form method="post" action="/portal/directories/${d.id}/revoke" data-confirm="Revoke every token except the newest? Requests with an older token will get 401 at once.">
        ${csrf}<button type="submit" class="btn btn-danger-outline">Revoke previous tokens</button>
      </form>`
        : ''}
    </div>
  </section>
  ${guide ? setupSteps(guide) : ''}
</div>
<section class="card danger-zone" aria-labelledby="danger-title">
  <h2 id="danger-title">Danger zone</h2>
  <div class="danger-row">
    <div><b>${d.status === 'active' ? 'Disable' : 'Enable'} this directory</b><p class="small muted">${d.status === 'active' ? 'SCIM requests are refused while disabled; synced data stays.' : 'SCIM requests are accepted again with the live tokens.'}</p></div>
    <form method="post" action="/portal/directories/${d.id}/${d.status === 'active' ? 'disable' : 'enable'}" data-confirm="${d.status === 'active' ? 'Disable this directory? Your identity provider will get errors until you enable it again.' : 'Enable this directory again?'}">
      ${csrf}<button type="submit" class="btn ${d.status === 'active' ? 'btn-danger-outline' : 'btn-secondary'}">${d.status === 'active' ? 'Disable directory' : 'Enable directory'}</button>
    </form>
  </div>
  <div class="danger-row">
    <div><b>Delete this directory</b><p class="small muted">Deletes the connection, its tokens and every synced user and group. This cannot be undone.</p></div>
    <form method="post" action="/portal/directories/${d.id}/delete" data-confirm="Delete this directory and everything it synced? This cannot be undone.">
      ${csrf}<button type="submit" class="btn btn-danger">Delete directory</button>
    </form>
  </div>
</section>`,
  });
}
