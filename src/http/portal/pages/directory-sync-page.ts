import type { Directory } from '../../../store/directory-store';
import type { DirectoryHealth } from '../../../store/portal-read-store';
import { html } from '../html';
import { renderPage, notice, statusBadge } from '../layout';
import { timeTag } from '../html';
import { PROVIDER_GUIDES, providerGuide } from '../provider-guides';

export interface PortalFrame {
  organizationName: string;
  csrfToken: string;
}

/** Directory Sync is off for the organization: the note, and nothing else. */
export function directorySyncDisabledPage(frame: PortalFrame): string {
  return renderPage({
    ...frame,
    title: 'Directory Sync',
    main: html`<h1>Directory Sync</h1>
<section class="card empty-state" aria-labelledby="disabled-title">
  <h2 id="disabled-title">Directory Sync is not enabled</h2>
  <p>Directory Sync has not been enabled for <b>${frame.organizationName}</b>. The app owner must enable it before you can connect an identity provider. Please contact them and open this portal again afterwards.</p>
</section>`,
  });
}

export interface DirectoryListItem {
  directory: Directory;
  health: DirectoryHealth;
}

/** The Directory Sync tab: connected directories, then the providers to connect one. */
export function directorySyncPage(frame: PortalFrame, items: DirectoryListItem[], noticeCode?: string): string {
  const directories = items.length
    ? html`<section aria-labelledby="connected-title">
  <h2 id="connected-title">Connected directories</h2>
  <ul class="directory-list">
    ${items.map(
      ({ directory: d, health: h }) => html`<li class="card directory-item">
      <div>
        <h3><a href="/portal/directories/${d.id}">${d.name}</a></h3>
        <p class="muted small">${providerGuide(d.provider)?.name ?? d.provider} · created ${timeTag(d.createdAt)}</p>
      </div>
      <dl class="inline-stats">
        <div><dt>Status</dt><dd>${statusBadge(d.status)}</dd></div>
        <div><dt>Users</dt><dd>${h.userCount.toLocaleString('en-US')}</dd></div>
        <div><dt>Groups</dt><dd>${h.groupCount.toLocaleString('en-US')}</dd></div>
        <div><dt>Last request</dt><dd>${timeTag(h.lastRequestAt)}</dd></div>
      </dl>
      <a class="btn btn-secondary" href="/portal/directories/${d.id}">Manage</a>
    </li>`,
    )}
  </ul>
</section>`
    : '';
  return renderPage({
    ...frame,
    title: 'Directory Sync',
    main: html`<h1>Directory Sync</h1>
<p class="lead">Connect your identity provider over SCIM 2.0. People and groups you assign there are created, updated and deactivated here automatically.</p>
${notice(noticeCode)}
${directories}
<section aria-labelledby="providers-title">
  <h2 id="providers-title">${items.length ? 'Connect another directory' : 'Choose your identity provider'}</h2>
  <ul class="provider-grid">
    ${PROVIDER_GUIDES.map(
      (g) => html`<li><a class="card provider-card" href="/portal/directory-sync/setup/${g.provider}">
      <span class="provider-logo provider-${g.provider}" aria-hidden="true">${g.name.slice(0, 1)}</span>
      <span><span class="provider-name">${g.name}</span><span class="muted small block">${g.blurb}</span></span>
    </a></li>`,
    )}
  </ul>
</section>`,
  });
}
