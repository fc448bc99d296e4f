import { html, type SafeHtml } from './html';

export interface PageFrame {
  title: string;
  /** Present once the visitor has a session: shows the organization and the sign-out button. */
  organizationName?: string;
  csrfToken?: string;
  /** The page replaces its URL with this one (so a reload after a token page never re-posts). */
  replaceUrl?: string;
  /** The top tab this page belongs to (default: Directory Sync). */
  tab?: 'directory-sync' | 'attribute-mapping';
  main: SafeHtml;
}

/** The whole document: one stylesheet, one small script, no build step. */
export function renderPage(frame: PageFrame): string {
  const session = frame.organizationName !== undefined;
  const tab = frame.tab ?? 'directory-sync';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${frame.title} · Admin Portal</title>
<link rel="stylesheet" href="/portal/assets/portal.css">
<script src="/portal/assets/portal.js" defer></script>
</head>
<body${frame.replaceUrl ? html` data-replace-url="${frame.replaceUrl}"` : ''}>
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar">
  <div class="topbar-inner">
    <span class="brand"><span class="brand-mark" aria-hidden="true">◆</span> Admin Portal</span>
    ${session
      ? html`<span class="org" aria-label="Organization">${frame.organizationName}</span>
    <form method="post" action="/portal/logout" class="signout">
      <input type="hidden" name="_csrf" value="${frame.csrfToken}">
      <button type="submit" class="btn btn-quiet">Sign out</button>
    </form>`
      : ''}
  </div>
  ${session
    ? html`<nav class="tabs" aria-label="Admin Portal sections"><div class="tabs-inner"><a href="/portal/directory-sync"${tab === 'directory-sync' ? html` aria-current="page"` : ''}>Directory Sync</a><a href="/portal/attribute-mapping"${tab === 'attribute-mapping' ? html` aria-current="page"` : ''}>Attribute mapping</a></div></nav>`
    : ''}
</header>
<main id="main" class="container" tabindex="-1">
${frame.main}
</main>
</body>
</html>`.value;
}

const NOTICES: Record<string, { tone: 'success' | 'info' | 'warning'; text: string }> = {
  revoked: { tone: 'success', text: 'Previous tokens were revoked. Only the newest token works now.' },
  disabled: { tone: 'warning', text: 'The directory is disabled: SCIM requests are refused until you enable it again.' },
  enabled: { tone: 'success', text: 'The directory is enabled again.' },
  deleted: { tone: 'success', text: 'The directory and everything it synced were deleted.' },
  'token-hidden': { tone: 'info', text: 'The token was shown once and cannot be shown again. If you did not copy it, rotate the token.' },
  'mapping-saved': { tone: 'success', text: 'The attribute mapping was saved. Existing users are being updated with it.' },
  'already-configured': { tone: 'info', text: 'This form was already submitted; the directory exists. Its token was shown once and cannot be shown again.' },
};

/** A fixed message chosen by code (never text from the URL). */
export function notice(code: string | undefined): SafeHtml {
  const n = code ? NOTICES[code] : undefined;
  return n ? html`<div class="notice notice-${n.tone}" role="status">${n.text}</div>` : html``;
}

export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${token}">`;

/** A read-only value with a copy button (the script copies the element's text). */
export function copyField(id: string, label: string, value: string, secret = false): SafeHtml {
  return html`<div class="copy-field">
  <span class="copy-label" id="${id}-label">${label}</span>
  <div class="copy-row">
    <code id="${id}" class="copy-value${secret ? ' secret' : ''}" aria-labelledby="${id}-label">${value}</code>
    <button type="button" class="btn btn-secondary btn-copy" data-copy-target="${id}" aria-label="Copy ${label}">Copy</button>
  </div>
</div>`;
}

export function statusBadge(status: 'active' | 'disabled' | 'deactivated' | 'ok' | 'error', label?: string): SafeHtml {
  const text = label ?? { active: 'Active', disabled: 'Disabled', deactivated: 'Deactivated', ok: 'OK', error: 'Error' }[status];
  return html`<span class="badge badge-${status}">${text}</span>`;
}

export interface PagerLinks {
  prevHref?: string | undefined;
  nextHref?: string | undefined;
}

export function pager(p: PagerLinks): SafeHtml {
  if (!p.prevHref && !p.nextHref) return html``;
  return html`<nav class="pager" aria-label="Pages">
  ${p.prevHref ? html`<a class="btn btn-secondary" href="${p.prevHref}" rel="prev">← Previous</a>` : html`<span class="btn btn-secondary" aria-disabled="true">← Previous</span>`}
  ${p.nextHref ? html`<a class="btn btn-secondary" href="${p.nextHref}" rel="next">Next →</a>` : html`<span class="btn btn-secondary" aria-disabled="true">Next →</span>`}
</nav>`;
}
