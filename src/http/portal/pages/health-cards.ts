import { formatShare, WARN_SHARE, type RejectionShare } from '../../../common/rejection-share';
import { html, type SafeHtml } from '../html';

/** The directory overview's health parts (issue 13): the 4xx share card and the warning above it. */

export interface HealthShares {
  lastHour: RejectionShare;
  lastDay: RejectionShare;
}

const shareLine = (label: string, s: RejectionShare): SafeHtml =>
  html`<span class="block"><span class="stat-number${s.warning ? ' text-warning' : ''}">${formatShare(s.share)}</span> <span class="small">${label}</span> <span class="small muted">(${s.rejected.toLocaleString('en-US')} of ${s.total.toLocaleString('en-US')})</span></span>`;

/** The overview's stat card: the 4xx share over 1 h and 24 h. */
export function rejectionShareCard(directoryId: string, h: HealthShares | undefined): SafeHtml {
  if (!h) return html``;
  return html`<div class="card stat" data-testid="rejection-share"><dt>Rejected requests (4xx)</dt><dd>${shareLine('last hour', h.lastHour)}${shareLine('last 24 hours', h.lastDay)}<a class="small block" href="/portal/directories/${directoryId}/rejected">See why →</a></dd></div>`;
}

/** The warning above the overview when too many requests fail: why it matters, and where to look. */
export function rejectionWarning(directoryId: string, provider: string, h: HealthShares | undefined): SafeHtml {
  if (!h || !(h.lastHour.warning || h.lastDay.warning)) return html``;
  const worst = h.lastHour.warning ? { s: h.lastHour, when: 'in the last hour' } : { s: h.lastDay, when: 'in the last 24 hours' };
  return html`<div class="notice notice-warning" role="alert" data-testid="health-warning"><b>${formatShare(worst.s.share)} of the SCIM requests ${worst.when} were rejected</b> (above ${formatShare(WARN_SHARE)}).
${provider === 'entra' ? 'Microsoft Entra ID puts this provisioning job into quarantine' : 'Identity providers act on this: Microsoft Entra ID puts a provisioning job into quarantine'} when too many of its requests fail, and then syncs nothing until someone fixes the cause and restarts it; Okta keeps retrying and its failed tasks pile up. The <a href="/portal/directories/${directoryId}/rejected">Rejected</a> tab shows each rejected request and the attribute at fault.</div>`;
}
