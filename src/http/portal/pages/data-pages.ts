import type { Directory } from '../../../store/directory-store';
import type { Page, PortalActivity, PortalGroup, PortalUser, UserStatusFilter } from '../../../store/portal-read-store';
import { html, queryString, timeTag, type SafeHtml } from '../html';
import { pager, renderPage, statusBadge } from '../layout';
import { directoryHeader } from './directory-page';
import type { PortalFrame } from './directory-sync-page';

function searchForm(action: string, label: string, q: string | undefined, extra: SafeHtml = html``): SafeHtml {
  return html`<form method="get" action="${action}" class="search" role="search">
  <label for="q" class="visually-hidden">${label}</label>
  <input type="search" id="q" name="q" value="${q ?? ''}" placeholder="${label}" maxlength="200">
  ${extra}
  <button type="submit" class="btn btn-secondary">Search</button>
</form>`;
}

const emptyRow = (cols: number, text: string): SafeHtml => html`<tr><td colspan="${cols}" class="empty">${text}</td></tr>`;

function userRows(users: PortalUser[], emptyText: string): SafeHtml {
  if (!users.length) return emptyRow(4, emptyText);
  return html`${users.map(
    (u) => html`<tr>
  <td><span class="cell-primary">${u.displayName ?? u.userName}</span><span class="cell-secondary">${u.userName}</span></td>
  <td>${u.email ?? html`<span class="muted">—</span>`}</td>
  <td>${u.active ? statusBadge('active') : statusBadge('deactivated')}</td>
  <td>${timeTag(u.updatedAt)}</td>
</tr>`,
  )}`;
}

const USER_HEAD = html`<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Last updated</th></tr></thead>`;

export interface UsersView {
  directory: Directory;
  page: Page<PortalUser>;
  q?: string | undefined;
  status: UserStatusFilter;
}

export function usersPage(frame: PortalFrame, v: UsersView): string {
  const base = `/portal/directories/${v.directory.id}/users`;
  const keep = { q: v.q, status: v.status === 'all' ? undefined : v.status };
  const select = html`<label for="status" class="visually-hidden">Status</label>
  <select id="status" name="status">
    ${(['all', 'active', 'inactive'] as const).map((s) => html`<option value="${s}"${v.status === s ? html` selected` : ''}>${{ all: 'All users', active: 'Active', inactive: 'Deactivated' }[s]}</option>`)}
  </select>`;
  return renderPage({
    ...frame,
    title: `Users · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'users')}
${searchForm(base, 'Search by name, username or email', v.q, select)}
<table class="table">
  <caption class="visually-hidden">Synced users</caption>
  ${USER_HEAD}
  <tbody>${userRows(v.page.rows, v.q ? 'No user matches this search.' : 'No users yet. Assign people to the app in your identity provider.')}</tbody>
</table>
${pager({ prevHref: v.page.prev && base + queryString({ ...keep, before: v.page.prev }), nextHref: v.page.next && base + queryString({ ...keep, after: v.page.next }) })}`,
  });
}

export interface GroupsView {
  directory: Directory;
  page: Page<PortalGroup>;
  q?: string | undefined;
}

export function groupsPage(frame: PortalFrame, v: GroupsView): string {
  const base = `/portal/directories/${v.directory.id}/groups`;
  return renderPage({
    ...frame,
    title: `Groups · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'groups')}
${searchForm(base, 'Search groups by name', v.q)}
<table class="table">
  <caption class="visually-hidden">Synced groups</caption>
  <thead><tr><th scope="col">Group</th><th scope="col" class="num">Members</th><th scope="col">Last updated</th></tr></thead>
  <tbody>${v.page.rows.length
    ? v.page.rows.map((g) => html`<tr><td><a href="${base}/${g.id}">${g.displayName}</a></td><td class="num">${g.memberCount.toLocaleString('en-US')}</td><td>${timeTag(g.updatedAt)}</td></tr>`)
    : emptyRow(3, v.q ? 'No group matches this search.' : 'No groups yet. Push groups from your identity provider.')}</tbody>
</table>
${pager({ prevHref: v.page.prev && base + queryString({ q: v.q, before: v.page.prev }), nextHref: v.page.next && base + queryString({ q: v.q, after: v.page.next }) })}`,
  });
}

export interface GroupView {
  directory: Directory;
  group: PortalGroup;
  members: Page<PortalUser>;
  after?: string | undefined;
}

export function groupPage(frame: PortalFrame, v: GroupView): string {
  const base = `/portal/directories/${v.directory.id}/groups/${v.group.id}`;
  return renderPage({
    ...frame,
    title: `${v.group.displayName} · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'groups')}
<div class="title-row"><h2>${v.group.displayName}</h2><span class="muted">${v.group.memberCount.toLocaleString('en-US')} member${v.group.memberCount === 1 ? '' : 's'}</span></div>
<table class="table">
  <caption class="visually-hidden">Members of ${v.group.displayName}</caption>
  ${USER_HEAD}
  <tbody>${userRows(v.members.rows, 'This group has no members.')}</tbody>
</table>
${pager({ prevHref: v.after ? base : undefined, nextHref: v.members.next && base + queryString({ after: v.members.next }) })}
<p><a href="/portal/directories/${v.directory.id}/groups">← All groups</a></p>`,
  });
}

function outcome(a: PortalActivity): SafeHtml {
  if (a.status < 400) return statusBadge('ok', String(a.status));
  return html`${statusBadge('error', String(a.status))}${a.scimType ? html` <span class="small muted">${a.scimType}</span>` : ''}`;
}

export interface ActivityView {
  directory: Directory;
  page: Page<PortalActivity>;
  before?: string | undefined;
}

export function activityPage(frame: PortalFrame, v: ActivityView): string {
  const base = `/portal/directories/${v.directory.id}/activity`;
  return renderPage({
    ...frame,
    title: `Activity · ${v.directory.name}`,
    main: html`${directoryHeader(v.directory, 'activity')}
<p class="muted">SCIM changes your identity provider sent, newest first. Open one to trace it: its operation, the events it wrote and their delivery. Request bodies, tokens and passwords are never recorded here.</p>
<table class="table">
  <caption class="visually-hidden">Recent SCIM operations</caption>
  <thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Outcome</th><th scope="col" class="num">Latency</th></tr></thead>
  <tbody>${v.page.rows.length
    ? v.page.rows.map((a) => html`<tr><td>${timeTag(a.appliedAt)}</td><td><a class="request-link" href="${base}/${a.id}" title="Trace this request"><code class="request">${a.summary}</code></a></td><td>${outcome(a)}</td><td class="num">${a.latencyMs.toLocaleString('en-US')} ms</td></tr>`)
    : emptyRow(4, 'No SCIM changes yet.')}</tbody>
</table>
${pager({ prevHref: v.before ? base : undefined, nextHref: v.page.next && base + queryString({ before: v.page.next }) })}`,
  });
}
