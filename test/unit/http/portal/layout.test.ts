import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html } from '../../../../src/http/portal/html';
import { copyField, csrfField, notice, pager, renderPage, statusBadge } from '../../../../src/http/portal/layout';
import { ESCAPED, HOSTILE } from '../../../support/portal-fixtures';

describe('renderPage', () => {
  it('renders a signed-out page without the organization, sign-out form or tabs', () => {
    const page = renderPage({ title: `T ${HOSTILE}`, main: html`<p>body</p>` });
    assert.match(page, /^<!doctype html>/);
    assert.ok(page.includes(`<title>T ${ESCAPED} · Admin Portal</title>`));
    assert.ok(page.includes('<p>body</p>'));
    assert.ok(!page.includes('/portal/logout'));
    assert.ok(!page.includes('class="tabs"'));
    assert.ok(!page.includes('data-replace-url'));
  });

  it('shows the organization and a CSRF-protected sign-out once there is a session', () => {
    const page = renderPage({ title: 'T', organizationName: HOSTILE, csrfToken: 'tok"en', replaceUrl: '/portal/x?a=1&b=2', main: html`` });
    assert.ok(page.includes(`aria-label="Organization">${ESCAPED}</span>`));
    assert.ok(page.includes('<input type="hidden" name="_csrf" value="tok&quot;en">'));
    assert.ok(page.includes('data-replace-url="/portal/x?a=1&amp;b=2"'));
    assert.ok(page.includes('aria-current="page">Directory Sync'));
  });
});

describe('layout helpers', () => {
  it('notice shows only known codes (never text from the URL)', () => {
    assert.match(notice('revoked').value, /notice-success.*Previous tokens were revoked/);
    assert.equal(notice(HOSTILE).value, '');
    assert.equal(notice(undefined).value, '');
  });

  it('csrfField and copyField escape their values', () => {
    assert.equal(csrfField('a"b').value, '<input type="hidden" name="_csrf" value="a&quot;b">');
    const f = copyField('tok', 'Token', HOSTILE, true).value;
    assert.ok(f.includes(`class="copy-value secret" aria-labelledby="tok-label">${ESCAPED}</code>`));
    assert.ok(f.includes('data-copy-target="tok"'));
    assert.ok(!copyField('u', 'URL', 'x').value.includes('secret'));
  });

  it('statusBadge has a default label per status', () => {
    assert.equal(statusBadge('deactivated').value, '<span class="badge badge-deactivated">Deactivated</span>');
    assert.equal(statusBadge('error', '503').value, '<span class="badge badge-error">503</span>');
  });

  it('pager renders nothing without links, disabled halves otherwise', () => {
    assert.equal(pager({}).value, '');
    const p = pager({ nextHref: '/n?after=1&q=2' }).value;
    assert.ok(p.includes('<a class="btn btn-secondary" href="/n?after=1&amp;q=2" rel="next">'));
    assert.ok(p.includes('aria-disabled="true">← Previous'));
  });
});
