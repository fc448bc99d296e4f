import { html, timeTag, type SafeHtml } from '../html';
import { csrfField, notice, renderPage } from '../layout';
import type { PortalFrame } from './directory-sync-page';

/** A row of the form as the person typed it (kept as typed when it is re-shown with errors). */
export interface MappingFormRow {
  name: string;
  path: string;
}

export interface MappingPreviewRow {
  userName: string;
  attributes: Record<string, unknown>;
}

export interface AttributeMappingView {
  rows: MappingFormRow[];
  /** Nothing saved yet: the rows shown are the default mapping. */
  isDefault: boolean;
  /** Errors by row index (`-1`: the whole mapping). */
  errors: Map<number, string[]>;
  /** Present after "Preview": what the edited rows give a few synced users. */
  preview?: { names: string[]; rows: MappingPreviewRow[] } | undefined;
  /** The form differs from what is saved. */
  unsaved: boolean;
  reprojection?: { status: 'running' | 'done'; done: number; total: number; finishedAt: Date | null } | undefined;
  noticeCode?: string | undefined;
}

const EXAMPLES: [string, string][] = [
  ['title', 'core attribute'],
  ['name.givenName', 'sub-attribute'],
  ['phoneNumbers', 'multi-valued: the primary value'],
  ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', 'enterprise extension (or costCenter alone)'],
  ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', "the manager's id"],
  ['urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode', 'a custom attribute (Okta profile editor, external namespace)'],
];

function value(v: unknown): SafeHtml {
  if (v === null || v === undefined) return html`<span class="muted">—</span>`;
  return html`<code>${typeof v === 'string' ? v : JSON.stringify(v)}</code>`;
}

function errorList(errors: string[] | undefined, id: string): SafeHtml {
  if (!errors?.length) return html``;
  return html`<ul class="field-errors" id="${id}">${errors.map((e) => html`<li>${e}</li>`)}</ul>`;
}

function progress(r: AttributeMappingView['reprojection']): SafeHtml {
  if (!r) return html``;
  if (r.status === 'running') {
    return html`<div class="notice notice-info" role="status" data-reprojection="running">Updating existing users with the saved mapping: ${r.done.toLocaleString('en-US')} of ${r.total.toLocaleString('en-US')} done. Your app receives the new attributes as each user is updated.</div>`;
  }
  return html`<p class="muted small" data-reprojection="done">Last saved mapping applied to all ${r.total.toLocaleString('en-US')} users ${timeTag(r.finishedAt)}.</p>`;
}

function previewTable(p: NonNullable<AttributeMappingView['preview']>): SafeHtml {
  return html`<section class="card mapping-section" aria-labelledby="preview-title" id="preview">
  <h2 id="preview-title">Preview</h2>
  <p class="muted small">What the mapping above gives ${p.rows.length === 1 ? 'one synced user' : `${p.rows.length} synced users`}. Nothing is saved yet.</p>
  ${p.rows.length
    ? html`<div class="table-scroll"><table class="table compact" id="preview-table">
    <thead><tr><th scope="col">User</th>${p.names.map((n) => html`<th scope="col">${n}</th>`)}</tr></thead>
    <tbody>${p.rows.map((r) => html`<tr><td>${r.userName}</td>${p.names.map((n) => html`<td>${value(r.attributes[n])}</td>`)}</tr>`)}</tbody>
  </table></div>`
    : html`<p class="empty">No users are synced yet. Assign people to the app in your identity provider to see a preview.</p>`}
</section>`;
}

/** The attribute mapping page: the editable rows, Preview / Add / Remove / Save, and the preview over real users. */
export function attributeMappingPage(frame: PortalFrame, v: AttributeMappingView): string {
  const rows = v.rows.length ? v.rows : [{ name: '', path: '' }];
  return renderPage({
    ...frame,
    tab: 'attribute-mapping',
    title: 'Attribute mapping',
    main: html`<h1>Attribute mapping</h1>
<p class="lead">Choose which SCIM attributes your identity provider sends become attributes in the app, and under which name.</p>
${notice(v.noticeCode)}
${progress(v.reprojection)}
${v.isDefault && !v.unsaved ? html`<div class="notice notice-info" role="status">You have not saved a mapping: the common enterprise attributes below apply, and every attribute of a custom extension (such as Okta's custom profile attributes) is added under its own name. A saved mapping gives exactly its rows.</div>` : ''}
${v.unsaved ? html`<div class="notice notice-warning" role="status">Unsaved changes. Preview them, then save.</div>` : ''}
${errorList(v.errors.get(-1), 'mapping-errors')}
<form method="post" action="/portal/attribute-mapping" class="card mapping-form">
  ${csrfField(frame.csrfToken)}
  <input type="hidden" name="rows" value="${rows.length}">
  <!-- Enter in a field previews (the first submit button is the form's default). -->
  <button type="submit" name="action" value="preview" class="visually-hidden" tabindex="-1" aria-hidden="true">Preview</button>
  <table class="table compact mapping-table">
    <thead><tr><th scope="col">App attribute</th><th scope="col">SCIM attribute path</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>
    ${rows.map((r, i) => {
      const errs = v.errors.get(i);
      return html`<tr${errs?.length ? html` class="has-error"` : ''}>
      <td><label class="visually-hidden" for="name_${i}">App attribute ${i + 1}</label><input type="text" id="name_${i}" name="name_${i}" value="${r.name}" maxlength="63" placeholder="department" autocomplete="off"${errs?.length ? html` aria-invalid="true" aria-describedby="errors_${i}"` : ''}></td>
      <td><label class="visually-hidden" for="path_${i}">SCIM path ${i + 1}</label><input type="text" id="path_${i}" name="path_${i}" value="${r.path}" maxlength="300" class="path-input" placeholder="urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department" autocomplete="off">${errorList(errs, `errors_${i}`)}</td>
      <td><button type="submit" name="action" value="remove_${i}" class="btn btn-quiet" aria-label="Remove row ${i + 1}">Remove</button></td>
    </tr>`;
    })}
    </tbody>
  </table>
  <div class="actions">
    <button type="submit" name="action" value="add" class="btn btn-secondary">Add attribute</button>
    <button type="submit" name="action" value="preview" class="btn btn-secondary">Preview</button>
    <button type="submit" name="action" value="save" class="btn btn-primary">Save mapping</button>
  </div>
</form>
${v.preview ? previewTable(v.preview) : ''}
<section class="card mapping-section" aria-labelledby="paths-title">
  <h2 id="paths-title">Paths you can use</h2>
  <p class="muted small">Attribute names and schema URNs are not case-sensitive. Saving updates every existing user; your app receives each update in order.</p>
  <dl class="path-examples">${EXAMPLES.map(([p, what]) => html`<div><dt><code>${p}</code></dt><dd class="muted small">${what}</dd></div>`)}</dl>
</section>`,
  });
}
