import type { Provider } from '../../common/providers';
import { html, type SafeHtml } from './html';

export interface ProviderGuide {
  provider: Provider;
  name: string;
  /** One line under the name in the provider list. */
  blurb: string;
  /** Labels the identity provider uses for the two values we hand out. */
  urlLabel: string;
  tokenLabel: string;
  steps: SafeHtml[];
  caution?: SafeHtml;
}

/** Setup steps per provider, in the order the admin clicks through the provider's console. */
export const PROVIDER_GUIDES: readonly ProviderGuide[] = [
  {
    provider: 'okta',
    name: 'Okta',
    blurb: 'SCIM 2.0 Test App (OAuth Bearer Token)',
    urlLabel: 'Base URL',
    tokenLabel: 'OAuth Bearer Token',
    steps: [
      html`In the Okta Admin Console, open <b>Applications → Browse App Catalog</b>, search for <b>“SCIM 2.0 Test App (OAuth Bearer Token)”</b> and click <b>Add Integration</b>.`,
      html`Name the application (for example after this app), then click <b>Next</b> and <b>Done</b>.`,
      html`Open the <b>Provisioning</b> tab, click <b>Configure API Integration</b> and tick <b>Enable API integration</b>.`,
      html`Paste the <b>SCIM endpoint URL</b> into <b>Base URL</b> and the <b>bearer token</b> into <b>OAuth Bearer Token</b>.`,
      html`Click <b>Test API Credentials</b>; when Okta confirms, click <b>Save</b>.`,
      html`Under <b>Provisioning → To App</b>, click <b>Edit</b> and enable <b>Create Users</b>, <b>Update User Attributes</b> and <b>Deactivate Users</b>; <b>Save</b>.`,
      html`On the <b>Assignments</b> tab, assign the people or groups who should get access.`,
      html`On the <b>Push Groups</b> tab, click <b>Push Groups</b>, pick the groups, keep <b>Push Immediately</b> ticked and <b>Save</b>.`,
    ],
    caution: html`Okta recommends using <b>separate groups for assignments and for Push Groups</b>. If one group is used for both, membership changes may need a manual push.`,
  },
  {
    provider: 'entra',
    name: 'Microsoft Entra ID',
    blurb: 'Enterprise application with automatic provisioning',
    urlLabel: 'Tenant URL',
    tokenLabel: 'Secret Token',
    steps: [
      html`In the Entra admin center, open <b>Enterprise applications → New application → Create your own application</b> (non-gallery).`,
      html`Open <b>Provisioning</b>, click <b>Get started</b> and set <b>Provisioning Mode</b> to <b>Automatic</b>.`,
      html`Paste the SCIM endpoint URL into <b>Tenant URL</b> and the token into <b>Secret Token</b>; click <b>Test Connection</b>, then <b>Save</b>.`,
      html`Under <b>Users and groups</b>, assign who should be provisioned, then <b>Start provisioning</b>. Entra syncs about every 40 minutes.`,
    ],
  },
  {
    provider: 'onelogin',
    name: 'OneLogin',
    blurb: 'SCIM Provisioner with SAML (SCIM v2 Enterprise)',
    urlLabel: 'SCIM Base URL',
    tokenLabel: 'SCIM Bearer Token',
    steps: [
      html`In OneLogin, open <b>Applications → Add App</b> and add <b>“SCIM Provisioner with SAML (SCIM v2 Enterprise)”</b>.`,
      html`On <b>Configuration</b>, paste <b>SCIM Base URL</b> and <b>SCIM Bearer Token</b>, click <b>Enable</b> under API Connection and <b>Save</b>.`,
      html`On <b>Provisioning</b>, tick <b>Enable provisioning</b> and choose what happens on delete (we recommend Suspend).`,
      html`Assign users (or roles) to the app.`,
    ],
  },
  {
    provider: 'jumpcloud',
    name: 'JumpCloud',
    blurb: 'Custom SSO application with SCIM identity management',
    urlLabel: 'Base URL',
    tokenLabel: 'Token Key',
    steps: [
      html`In JumpCloud, open <b>SSO Applications → Add New Application</b> and create a custom application.`,
      html`On <b>Identity Management</b>, choose <b>SCIM 2.0</b>, paste <b>Base URL</b> and <b>Token Key</b>, click <b>Test Connection</b>, then <b>Activate</b>.`,
      html`On <b>User Groups</b>, bind the groups whose members should be provisioned; <b>Save</b>.`,
    ],
  },
  {
    provider: 'generic',
    name: 'Generic SCIM 2.0',
    blurb: 'Any SCIM 2.0 client (RFC 7643 / 7644)',
    urlLabel: 'SCIM base URL',
    tokenLabel: 'Bearer token',
    steps: [
      html`Point your client at the SCIM endpoint URL; it serves <code>/Users</code>, <code>/Groups</code>, <code>/ServiceProviderConfig</code>, <code>/ResourceTypes</code> and <code>/Schemas</code>.`,
      html`Send <code>Authorization: Bearer &lt;token&gt;</code> on every request.`,
      html`Use <code>filter=userName eq "…"</code> to look users up before creating them; deactivate with <code>PATCH active=false</code>.`,
    ],
  },
];

export function providerGuide(provider: string): ProviderGuide | undefined {
  return PROVIDER_GUIDES.find((g) => g.provider === provider);
}
