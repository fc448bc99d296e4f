import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityPage, groupPage, groupsPage, usersPage } from '../../../../../src/http/portal/pages/data-pages';
import type { PortalUser } from '../../../../../src/store/portal-read-store';
import { ESCAPED, HOSTILE, directory, frame } from '../../../../support/portal-fixtures';

const d = directory();
const user = (over: Partial<PortalUser> = {}): PortalUser => ({ id: 'u1', userName: 'jane@x', displayName: HOSTILE, email: null, active: true, updatedAt: new Date('2024-01-01T00:00:00Z'), ...over });

describe('usersPage', () => {
  it('escapes user data and shows status badges', () => {
    const page = usersPage(frame, { directory: d, page: { rows: [user(), user({ id: 'u2', active: false, displayName: null, userName: 'bob' })] }, status: 'all' });
    assert.ok(page.includes(`<span class="cell-primary">${ESCAPED}</span>`));
    assert.ok(page.includes('<span class="cell-primary">bob</span>'), 'falls back to userName');
    assert.ok(page.includes('badge-deactivated'));
    assert.ok(!page.includes(HOSTILE));
  });

  it('keeps search and status in the pager links, but not status=all', () => {
    const page = usersPage(frame, { directory: d, page: { rows: [user()], next: 'c2', prev: 'c0' }, q: 'ja&ne', status: 'inactive' });
    assert.ok(page.includes(`/portal/directories/${d.id}/users?q=ja%26ne&amp;status=inactive&amp;after=c2`));
    assert.ok(page.includes('?q=ja%26ne&amp;status=inactive&amp;before=c0'));
    assert.ok(page.includes('<option value="inactive" selected>'));
    const all = usersPage(frame, { directory: d, page: { rows: [user()], next: 'c2' }, status: 'all' });
    assert.ok(all.includes('users?after=c2'));
  });

  it('says why the table is empty', () => {
    assert.ok(usersPage(frame, { directory: d, page: { rows: [] }, status: 'all' }).includes('No users yet'));
    assert.ok(usersPage(frame, { directory: d, page: { rows: [] }, q: 'x', status: 'all' }).includes('No user matches this search.'));
  });
});

describe('groupsPage and groupPage', () => {
  const group = { id: 'g1', displayName: HOSTILE, memberCount: 1, updatedAt: new Date() };

  it('links each group and escapes its name', () => {
    const page = groupsPage(frame, { directory: d, page: { rows: [group] } });
    assert.ok(page.includes(`<a href="/portal/directories/${d.id}/groups/g1">${ESCAPED}</a>`));
    assert.ok(groupsPage(frame, { directory: d, page: { rows: [] } }).includes('No groups yet'));
  });

  it('shows the member count in the singular for one member and pages members forward', () => {
    const page = groupPage(frame, { directory: d, group, members: { rows: [user()], next: 'm2' } });
    assert.ok(page.includes('1 member</span>'));
    assert.ok(page.includes('groups/g1?after=m2'));
    assert.ok(groupPage(frame, { directory: d, group: { ...group, memberCount: 0 }, members: { rows: [] } }).includes('This group has no members.'));
  });
});

describe('activityPage', () => {
  it('shows outcome badges with the scimType of failures, and never a body', () => {
    const rows = [
      { id: 'a1', method: 'POST', resourceType: 'User', summary: 'POST /Users', status: 201, scimType: null, appliedAt: new Date(), latencyMs: 1234 },
      { id: 'a2', method: 'PATCH', resourceType: 'User', summary: `PATCH /Users/${HOSTILE}`, status: 400, scimType: 'invalidPath', appliedAt: new Date(), latencyMs: 5 },
    ];
    const page = activityPage(frame, { directory: d, page: { rows, next: '17' } });
    assert.ok(page.includes('badge-ok">201</span>'));
    assert.ok(page.includes('badge-error">400</span> <span class="small muted">invalidPath</span>'));
    assert.ok(page.includes('1,234 ms'));
    assert.ok(page.includes(`activity?before=17`));
    assert.ok(!page.includes(HOSTILE));
    assert.ok(activityPage(frame, { directory: d, page: { rows: [] } }).includes('No SCIM changes yet.'));
  });
});
