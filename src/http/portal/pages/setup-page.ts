import type { Directory } from '../../../store/directory-store';
import { html, type SafeHtml } from '../html';
import { copyField, csrfField, renderPage } from '../layout';
import type { ProviderGuide } from '../provider-guides';
import type { PortalFrame } from './directory-sync-page';

/** The provider's setup steps, shown next to the credentials. */
export function setupSteps(guide: ProviderGuide): SafeHtml {
  return html`<section class="card steps" aria-labelledby="steps-title">
  <h2 id="steps-title">Set up ${guide.name}</h2>
  <ol class="step-list">${guide.steps.map((s) => html`<li>${s}</li>`)}</ol>
  ${guide.caution ? html`<div class="notice notice-warning"><b>Caution.</b> ${guide.caution}</div>` : ''}
</section>`;
}

/** Provider chosen, nothing created yet: what will happen, and the Configure button. */
export function providerSetupPage(frame: PortalFrame, guide: ProviderGuide, nonce: string): string {
  return renderPage({
    ...frame,
    title: `Connect ${guide.name}`,
    main: html`<p class="breadcrumb"><a href="/portal/directory-sync">Directory Sync</a> / ${guide.name}</p>
<h1>Connect ${guide.name}</h1>
<div class="two-col">
  <section class="card" aria-labelledby="configure-title">
    <h2 id="configure-title">1. Create the connection</h2>
    <p><b>Configure</b> creates a SCIM directory for ${guide.name} and shows the <b>SCIM endpoint URL</b> and a <b>bearer token</b> to paste into ${guide.name} as <i>${guide.urlLabel}</i> and <i>${guide.tokenLabel}</i>.</p>
    <p>The token is shown <b>once</b>: keep the ${guide.name} admin console open in another tab so you can paste it right away.</p>
    <form method="post" action="/portal/directories">
      ${csrfField(frame.csrfToken)}
      <input type="hidden" name="_nonce" value="${nonce}">
      <input type="hidden" name="provider" value="${guide.provider}">
      <button type="submit" class="btn btn-primary btn-large">Configure</button>
    </form>
  </section>
  ${setupSteps(guide)}
</div>`,
  });
}

export interface CredentialsView {
  directory: Directory;
  guide: ProviderGuide;
  scimUrl: string;
  token: string;
  kind: 'created' | 'rotated';
  graceSeconds?: number;
}

function graceText(seconds: number, providerName: string): string {
  if (seconds === 0) return 'Previous tokens stopped working now.';
  const hours = seconds / 3600;
  const span = hours >= 1 && Number.isInteger(hours) ? `${hours} hour${hours === 1 ? '' : 's'}` : `${Math.round(seconds / 60)} minutes`;
  return `Previous tokens keep working for ${span} so you can update ${providerName} without downtime, or until you revoke them.`;
}

/** The only response that ever carries a token: the POST that created it. */
export function credentialsPage(frame: PortalFrame, v: CredentialsView): string {
  const title = v.kind === 'created' ? `${v.guide.name} is ready to connect` : 'New bearer token';
  return renderPage({
    ...frame,
    title,
    replaceUrl: `/portal/directories/${v.directory.id}?notice=token-hidden`,
    main: html`<p class="breadcrumb"><a href="/portal/directory-sync">Directory Sync</a> / <a href="/portal/directories/${v.directory.id}">${v.directory.name}</a></p>
<h1>${title}</h1>
<div class="two-col">
  <section class="card credentials" aria-labelledby="credentials-title">
    <h2 id="credentials-title">${v.kind === 'created' ? '2. Copy these into ' + v.guide.name : 'Copy the new token into ' + v.guide.name}</h2>
    ${copyField('scim-url', `SCIM endpoint URL (${v.guide.urlLabel})`, v.scimUrl)}
    ${copyField('scim-token', `Bearer token (${v.guide.tokenLabel})`, v.token, true)}
    <div class="notice notice-warning" role="alert"><b>Copy the token now.</b> It will not be shown again: we keep only a hash of it. If you lose it, rotate the token.</div>
    ${v.kind === 'rotated' && v.graceSeconds !== undefined ? html`<p class="small">${graceText(v.graceSeconds, v.guide.name)}</p>` : ''}
    <a class="btn btn-primary" href="/portal/directories/${v.directory.id}">I have copied it: go to the directory</a>
  </section>
  ${setupSteps(v.guide)}
</div>`,
  });
}
