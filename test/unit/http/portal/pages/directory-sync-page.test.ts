import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { directorySyncDisabledPage, directorySyncPage } from '../../../../../src/http/portal/pages/directory-sync-page';
import { PROVIDERS } from '../../../../../src/common/providers';
import { ESCAPED, HOSTILE, directory, frame, health } from '../../../../support/portal-fixtures';

describe('directorySyncPage', () => {
  it('without directories: asks to choose a provider, offering every one', () => {
    const page = directorySyncPage(frame, []);
    assert.ok(page.includes('Choose your identity provider'));
    assert.ok(!page.includes('Connected directories'));
    for (const p of PROVIDERS) assert.ok(page.includes(`href="/portal/directory-sync/setup/${p}"`), p);
  });

  it('lists connected directories with escaped names, counts and status', () => {
    const d = directory();
    const page = directorySyncPage(frame, [{ directory: d, health: health() }], 'deleted');
    assert.ok(page.includes('Connected directories'));
    assert.ok(page.includes(`<a href="/portal/directories/${d.id}">Okta ${ESCAPED}</a>`));
    assert.ok(!page.includes(HOSTILE));
    assert.ok(page.includes('<dd>1,234</dd>'));
    assert.ok(page.includes('badge-active'));
    assert.ok(page.includes('Connect another directory'));
    assert.ok(page.includes('The directory and everything it synced were deleted.'));
  });
});

describe('directorySyncDisabledPage', () => {
  it('explains that the app owner must enable Directory Sync, and offers nothing to click', () => {
    const page = directorySyncDisabledPage(frame);
    assert.ok(page.includes('Directory Sync is not enabled'));
    assert.ok(page.includes('<b>Acme &amp; Co</b>'));
    assert.ok(!page.includes('/portal/directory-sync/setup/'));
  });
});
