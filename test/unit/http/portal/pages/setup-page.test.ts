import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { credentialsPage, providerSetupPage, setupSteps } from '../../../../../src/http/portal/pages/setup-page';
import { providerGuide } from '../../../../../src/http/portal/provider-guides';
import { directory, frame } from '../../../../support/portal-fixtures';

const okta = providerGuide('okta')!;
const entra = providerGuide('entra')!;

describe('setupSteps', () => {
  it('lists every step and the caution when the provider has one', () => {
    const s = setupSteps(okta).value;
    assert.equal(s.match(/<li>/g)?.length, okta.steps.length);
    assert.ok(s.includes('<b>Caution.</b>'));
    assert.ok(!setupSteps(entra).value.includes('Caution'));
  });
});

describe('providerSetupPage', () => {
  it('posts provider, nonce and CSRF token to create the directory', () => {
    const page = providerSetupPage(frame, entra, 'nonce-1');
    assert.ok(page.includes('<form method="post" action="/portal/directories">'));
    assert.ok(page.includes('name="_nonce" value="nonce-1"'));
    assert.ok(page.includes('name="provider" value="entra"'));
    assert.ok(page.includes('name="_csrf" value="csrf-token-1"'));
    assert.ok(page.includes('<i>Tenant URL</i> and <i>Secret Token</i>'));
  });
});

describe('credentialsPage', () => {
  const d = directory();
  const base = { directory: d, guide: okta, scimUrl: 'https://h/scim/v2/x', token: 'dsk_secret_token' };

  it('shows the URL and the token once, and replaces its URL so a reload cannot show it again', () => {
    const page = credentialsPage(frame, { ...base, kind: 'created' });
    assert.ok(page.includes('Okta is ready to connect'));
    assert.ok(page.includes('>dsk_secret_token</code>'));
    assert.ok(page.includes(`data-replace-url="/portal/directories/${d.id}?notice=token-hidden"`));
    assert.ok(!page.includes('keep working'));
  });

  it('explains the grace period of a rotation in hours or minutes', () => {
    assert.ok(credentialsPage(frame, { ...base, kind: 'rotated', graceSeconds: 7200 }).includes('keep working for 2 hours'));
    assert.ok(credentialsPage(frame, { ...base, kind: 'rotated', graceSeconds: 3600 }).includes('keep working for 1 hour '));
    assert.ok(credentialsPage(frame, { ...base, kind: 'rotated', graceSeconds: 900 }).includes('keep working for 15 minutes'));
    assert.ok(credentialsPage(frame, { ...base, kind: 'rotated', graceSeconds: 0 }).includes('Previous tokens stopped working now.'));
  });
});
