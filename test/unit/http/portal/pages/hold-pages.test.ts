import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { breakerPage, countsText, holdBanner, holdPage } from '../../../../../src/http/portal/pages/hold-pages';
import type { Hold, HoldPerson } from '../../../../../src/store/hold-store';
import type { BreakerSettingsView } from '../../../../../src/delivery/hold-admin';
import { ESCAPED, HOSTILE, directory, frame } from '../../../../support/portal-fixtures';

const d = directory();
const hold = (over: Partial<Hold> = {}): Hold => ({
  id: 'hold-1',
  organizationId: d.organizationId,
  directoryId: d.id,
  status: 'held',
  counts: { deactivations: 1200, deletions: 1, roleRemovals: 0, groupDeletions: 2, cancelled: 0 },
  heldEvents: 1203,
  people: 1201,
  firstAt: new Date('2024-03-01T10:00:00Z'),
  lastAt: new Date('2024-03-01T10:05:00Z'),
  createdAt: new Date('2024-03-01T10:00:00Z'),
  closedAt: null,
  closedBy: null,
  ...over,
});
const person = (over: Partial<HoldPerson> = {}): HoldPerson => ({ userId: 'u1', userName: HOSTILE, kinds: ['deactivation'], roles: [HOSTILE, 'admin'], ...over });
const settings: BreakerSettingsView = { enabled: true, windowSeconds: 900, minCount: 50, minPercent: 10.5, overrides: { enabled: null, windowSeconds: null, minCount: null, minPercent: null } };

describe('countsText', () => {
  it('lists the non-zero kinds with thousands separators and singular forms', () => {
    assert.equal(countsText(hold()), '1,200 deactivations, 1 deletion, 2 group deletions');
    assert.equal(countsText(hold({ counts: { deactivations: 0, deletions: 0, roleRemovals: 1, groupDeletions: 1, cancelled: 4 } })), '1 role removal, 1 group deletion');
  });

  it('says so when nothing destructive is left', () => {
    assert.equal(countsText(hold({ counts: { deactivations: 0, deletions: 0, roleRemovals: 0, groupDeletions: 0, cancelled: 3 } })), 'nothing destructive left');
  });
});

describe('holdBanner', () => {
  it('renders nothing without an open hold', () => {
    assert.equal(holdBanner(d.id, undefined).value, '');
  });

  it('names the counts and the people, and links to the hold', () => {
    const b = holdBanner(d.id, hold()).value;
    assert.ok(b.includes('role="alert" data-hold="hold-1"'));
    assert.ok(b.includes('(1,200 deactivations, 1 deletion, 2 group deletions; 1,201 people would lose access)'));
    assert.ok(b.includes(`<a href="/portal/directories/${d.id}/holds/hold-1">Review the held changes</a>`));
    assert.ok(holdBanner(d.id, hold({ people: 1 })).value.includes('; 1 person would lose access'));
  });

  it('escapes the hold id', () => {
    const b = holdBanner(d.id, hold({ id: HOSTILE })).value;
    assert.ok(!b.includes(HOSTILE));
    assert.ok(b.includes(`data-hold="${ESCAPED}"`));
  });
});

describe('holdPage', () => {
  it('offers Release and Discard on an open hold, each with the CSRF token and a confirmation', () => {
    const page = holdPage(frame, d, hold(), [person()]);
    assert.ok(page.includes('<span class="badge badge-warning">Held</span>'));
    const release = `<form method="post" action="/portal/directories/${d.id}/holds/hold-1/release" data-confirm="Release the held changes? Everyone listed loses access in the app."><input type="hidden" name="_csrf" value="csrf-token-1"><button`;
    const discard = `<form method="post" action="/portal/directories/${d.id}/holds/hold-1/discard" data-confirm="Discard the held changes? The app keeps everyone listed as they are; the drift report will show the difference."><input type="hidden" name="_csrf" value="csrf-token-1"><button`;
    assert.ok(page.includes(release), 'release form');
    assert.ok(page.includes(discard), 'discard form');
  });

  it('shows a closed hold without buttons, with how and when it was closed', () => {
    const closedAt = new Date('2024-03-02T08:00:00Z');
    const released = holdPage(frame, d, hold({ status: 'released', closedAt }), []);
    assert.ok(released.includes('<span class="badge badge-disabled">Released</span>'));
    assert.ok(released.includes(' · released <time datetime="2024-03-02T08:00:00.000Z"'));
    assert.ok(!released.includes('/release"'));
    assert.ok(!released.includes('/discard"'));
    assert.ok(holdPage(frame, d, hold({ status: 'discarded', closedAt }), []).includes('<span class="badge badge-disabled">Discarded</span>'));
  });

  it('escapes every person, role and directory value, and names the kinds of change', () => {
    const page = holdPage(frame, d, hold(), [
      person(),
      person({ userId: 'u2', userName: null, kinds: ['deletion', 'role_removal', 'odd_kind'], roles: [] }),
    ]);
    assert.ok(!page.includes(HOSTILE));
    assert.ok(page.includes(`<tr><td>${ESCAPED}</td><td>Deactivated</td><td>${ESCAPED}, admin</td></tr>`));
    assert.ok(page.includes('<tr><td>u2</td><td>Deleted, Role removed, odd_kind</td><td><span class="muted">none</span></td></tr>'), 'falls back to the user id');
    assert.ok(page.includes('Who would lose access (2)'));
    assert.ok(page.includes(`<title>Hold · Okta ${ESCAPED} · Admin Portal</title>`));
  });

  it('counts changes a later change undid, and shows the notice it is given escaped', () => {
    const page = holdPage(frame, d, hold({ counts: { deactivations: 3, deletions: 0, roleRemovals: 0, groupDeletions: 0, cancelled: 1 } }), [], HOSTILE);
    assert.ok(page.includes('3 deactivations · 1 change undone by a later change (never delivered).'));
    assert.ok(page.includes(`<div class="notice notice-success" role="status">${ESCAPED}</div>`));
    assert.ok(!holdPage(frame, d, hold(), []).includes('notice-success'));
  });
});

describe('breakerPage', () => {
  it('shows the settings in a form with the CSRF token, the window in minutes', () => {
    const page = breakerPage(frame, d, settings, [], false);
    assert.ok(page.includes(`<form method="post" action="/portal/directories/${d.id}/breaker" class="form-grid">\n    <input type="hidden" name="_csrf" value="csrf-token-1">`));
    assert.ok(page.includes('name="enabled" value="true" checked>'));
    assert.ok(page.includes('name="windowMinutes" min="1" max="1440" required value="15"'));
    assert.ok(page.includes('name="minCount" min="1" max="1000000" required value="50"'));
    assert.ok(page.includes('name="minPercent" min="0" max="100" step="0.1" required value="10.5"'));
    assert.ok(!breakerPage(frame, d, { ...settings, enabled: false }, [], false).includes(' checked'));
  });

  it('confirms a save only when asked, and says when there are no holds', () => {
    assert.ok(breakerPage(frame, d, settings, [], true).includes('The limits were saved.'));
    const page = breakerPage(frame, d, settings, [], false);
    assert.ok(!page.includes('The limits were saved.'));
    assert.ok(page.includes('No holds yet.'));
    assert.ok(!page.includes(HOSTILE));
  });

  it('links each hold with its status and counts', () => {
    const page = breakerPage(frame, d, settings, [hold(), hold({ id: 'hold-2', status: 'released' })], false);
    assert.ok(page.includes(`<a href="/portal/directories/${d.id}/holds/hold-1"><time datetime="2024-03-01T10:00:00.000Z"`));
    assert.ok(page.includes(`<td>released</td><td>1,200 deactivations, 1 deletion, 2 group deletions</td>`));
    assert.ok(!page.includes('No holds yet.'));
  });
});
