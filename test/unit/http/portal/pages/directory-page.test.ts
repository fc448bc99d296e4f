import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { directoryHeader, directoryPage } from '../../../../../src/http/portal/pages/directory-page';
import { ESCAPED, HOSTILE, directory, frame, health, token } from '../../../../support/portal-fixtures';

const overview = (over: Partial<Parameters<typeof directoryPage>[1]> = {}) =>
  directoryPage(frame, { directory: directory(), health: health(), tokens: [token()], scimUrl: 'https://h/scim/v2/d', rotateNonce: 'n1', ...over });

describe('directoryHeader', () => {
  it('marks the current section and escapes the name', () => {
    const d = directory();
    const h = directoryHeader(d, 'users').value;
    assert.ok(h.includes(`<a href="/portal/directories/${d.id}/users" aria-current="page">Users</a>`));
    assert.ok(h.includes(`<a href="/portal/directories/${d.id}">Overview</a>`));
    assert.ok(h.includes(`<h1>Okta ${ESCAPED}</h1>`));
  });
});

describe('directoryPage', () => {
  it('shows the SCIM URL, the tokens and a rotate form with nonce and CSRF token', () => {
    const page = overview();
    assert.ok(page.includes('>https://h/scim/v2/d</code>'));
    assert.ok(page.includes('<code>dsk_abcdef…</code>'));
    assert.ok(page.includes('name="_nonce" value="n1"'));
    assert.ok(page.includes('name="_csrf" value="csrf-token-1"'));
    assert.ok(!page.includes(HOSTILE));
  });

  it('offers to revoke previous tokens only when more than one is live', () => {
    assert.ok(!overview().includes('Revoke previous tokens'));
    assert.ok(overview({ tokens: [token(), token({ id: 't2', expiresAt: new Date(Date.now() + 3600_000) })] }).includes('Revoke previous tokens'));
    assert.ok(!overview({ tokens: [token(), token({ id: 't2', revokedAt: new Date() })] }).includes('Revoke previous tokens'));
    assert.ok(!overview({ tokens: [token(), token({ id: 't2', expiresAt: new Date(Date.now() - 1000) })] }).includes('Revoke previous tokens'));
  });

  it('labels token states', () => {
    const page = overview({ tokens: [token({ revokedAt: new Date() }), token({ expiresAt: new Date(Date.now() - 1) }), token({ expiresAt: new Date(Date.now() + 3600_000) }), token()] });
    for (const label of ['Revoked', 'Expired', 'Until', 'Active']) assert.ok(page.includes(label), label);
  });

  it('turns the disable action into enable for a disabled directory, with a warning', () => {
    const page = overview({ directory: directory({ status: 'disabled' }) });
    assert.ok(page.includes('This directory is disabled'));
    assert.ok(page.includes('/enable"'));
    assert.ok(!page.includes('/disable"'));
    assert.ok(overview().includes('/disable"'));
  });

  it('shows the last error and throttling when there are some', () => {
    const page = overview({
      health: health({ lastError: { appliedAt: new Date(), method: 'POST', summary: 'POST /Users', status: 409, detail: 'userName taken' } }),
      throttle: { throttledTotal: 12, lastThrottledAt: new Date(), currentWindowCount: 3, limit: 600, windowSeconds: 60 },
    });
    assert.ok(page.includes('badge-error">409</span>'));
    assert.ok(page.includes('userName taken'));
    assert.ok(page.includes('requests answered 429'));
    assert.ok(page.includes('3 of 600 requests in the current 60 s window'));
    assert.ok(overview().includes('<span class="muted">None</span>'));
  });
});
