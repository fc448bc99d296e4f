import { html } from '../html';
import { renderPage } from '../layout';

/** The page a portal link opens: one button that exchanges the single-use link for a session. */
export function enterPage(organizationName: string, linkToken: string): string {
  return renderPage({
    title: 'Open the Admin Portal',
    main: html`<section class="card card-narrow">
  <h1>Admin Portal for ${organizationName}</h1>
  <p>You have been invited to set up <b>Directory Sync</b>: connect your identity provider (Okta, Microsoft Entra ID, OneLogin, JumpCloud or any SCIM 2.0 client) so people and groups arrive automatically.</p>
  <form method="post" action="/portal/enter">
    <input type="hidden" name="token" value="${linkToken}">
    <button type="submit" class="btn btn-primary btn-large">Continue to the Admin Portal</button>
  </form>
  <p class="muted small">This link works once. Your session lasts a few hours; ask the app owner for a new link afterwards.</p>
</section>`,
  });
}

/** A clear page for refused links, ended sessions and errors: never a stack trace. */
export function messagePage(title: string, message: string, requestId?: string): string {
  return renderPage({
    title,
    main: html`<section class="card card-narrow" role="alert">
  <h1>${title}</h1>
  <p>${message}</p>
  ${requestId ? html`<p class="muted small">Reference: <code>${requestId}</code></p>` : ''}
</section>`,
  });
}
