import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attributeMappingPage, type AttributeMappingView } from '../../../../../src/http/portal/pages/attribute-mapping-page';
import { ESCAPED, HOSTILE, frame } from '../../../../support/portal-fixtures';

const view = (over: Partial<AttributeMappingView> = {}): AttributeMappingView => ({
  rows: [{ name: 'department', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' }],
  isDefault: false,
  errors: new Map(),
  unsaved: false,
  ...over,
});
const page = (over: Partial<AttributeMappingView> = {}): string => attributeMappingPage(frame, view(over));

describe('attributeMappingPage', () => {
  it('posts the rows with the CSRF token and the row count, and marks its tab', () => {
    const p = page({ rows: [{ name: 'a', path: 'title' }, { name: 'b', path: 'name.givenName' }] });
    assert.ok(p.includes('<form method="post" action="/portal/attribute-mapping" class="card mapping-form">\n  <input type="hidden" name="_csrf" value="csrf-token-1">\n  <input type="hidden" name="rows" value="2">'));
    assert.ok(p.includes('id="name_1" name="name_1" value="b"'));
    assert.ok(p.includes('id="path_0" name="path_0" value="title"'));
    assert.ok(p.includes('<button type="submit" name="action" value="remove_1" class="btn btn-quiet" aria-label="Remove row 2">Remove</button>'));
    assert.ok(p.includes('href="/portal/attribute-mapping" aria-current="page"'));
  });

  it('makes Preview the default action (the first submit button), before Remove and Save', () => {
    const p = page();
    const form = p.indexOf('action="/portal/attribute-mapping"'); // the layout's Sign out form comes before it
    const first = p.indexOf('type="submit"', form);
    assert.ok(form > 0 && first > form);
    assert.ok(p.slice(first - 20, first + 60).includes('name="action" value="preview"'));
    assert.ok(first < p.indexOf('value="remove_0"') && first < p.indexOf('value="save"'));
  });

  it('shows one empty row when there are none', () => {
    const p = page({ rows: [] });
    assert.ok(p.includes('<input type="hidden" name="rows" value="1">'));
    assert.ok(p.includes('id="name_0" name="name_0" value=""'));
    assert.ok(!p.includes('name_1'));
  });

  it('keeps typed values escaped, in value attributes and error messages alike', () => {
    const p = page({ rows: [{ name: `"><script>x</script>`, path: HOSTILE }], errors: new Map([[0, [`bad path ${HOSTILE}`]], [-1, [HOSTILE]]]), unsaved: true });
    assert.ok(!p.includes('<script>'), 'only the layout\'s own <script src> tag');
    assert.ok(p.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'));
    assert.ok(p.includes(`value="${ESCAPED}"`));
    assert.ok(p.includes(`<li>bad path ${ESCAPED}</li>`));
    assert.ok(p.includes(`<ul class="field-errors" id="mapping-errors"><li>${ESCAPED}</li></ul>`));
  });

  it('ties a row\'s errors to its input and marks the row', () => {
    const p = page({ rows: [{ name: 'a', path: 'x' }, { name: 'b', path: 'y' }], errors: new Map([[1, ['Unknown attribute', 'Duplicate name']]]) });
    assert.ok(p.includes('<tr class="has-error">'));
    assert.equal(p.split('class="has-error"').length - 1, 1);
    assert.ok(p.includes('id="name_1" name="name_1" value="b" maxlength="63" placeholder="department" autocomplete="off" aria-invalid="true" aria-describedby="errors_1"'));
    assert.ok(p.includes('<ul class="field-errors" id="errors_1"><li>Unknown attribute</li><li>Duplicate name</li></ul>'));
    assert.ok(!p.includes('aria-describedby="errors_0"'));
    assert.ok(!page().includes('field-errors'));
  });

  it('explains the default mapping only while nothing is saved or edited, and warns of unsaved changes', () => {
    assert.ok(page({ isDefault: true }).includes('You have not saved a mapping'));
    assert.ok(!page({ isDefault: true, unsaved: true }).includes('You have not saved a mapping'));
    assert.ok(!page().includes('You have not saved a mapping'));
    assert.ok(page({ unsaved: true }).includes('Unsaved changes. Preview them, then save.'));
    assert.ok(!page().includes('Unsaved changes'));
  });

  it('shows a known notice by code and ignores an unknown one', () => {
    assert.ok(page({ noticeCode: 'mapping-saved' }).includes('<div class="notice notice-success" role="status">The attribute mapping was saved.'));
    assert.ok(!page({ noticeCode: HOSTILE }).includes('alert('));
  });

  it('previews the edited mapping over users, escaping names and values', () => {
    const p = page({
      preview: {
        names: ['department', HOSTILE],
        rows: [
          { userName: HOSTILE, attributes: { department: `R&D ${HOSTILE}`, [HOSTILE]: { nested: '<b>' } } },
          { userName: 'bob@x', attributes: { department: null } },
        ],
      },
    });
    assert.ok(!p.includes(HOSTILE));
    assert.ok(p.includes('id="preview-table"'));
    assert.ok(p.includes('What the mapping above gives 2 synced users. Nothing is saved yet.'));
    assert.ok(p.includes(`<th scope="col">User</th><th scope="col">department</th><th scope="col">${ESCAPED}</th>`));
    assert.ok(p.includes(`<tr><td>${ESCAPED}</td><td><code>R&amp;D ${ESCAPED}</code></td><td><code>{&quot;nested&quot;:&quot;&lt;b&gt;&quot;}</code></td></tr>`));
    assert.ok(p.includes('<tr><td>bob@x</td><td><span class="muted">—</span></td><td><span class="muted">—</span></td></tr>'), 'null and missing values read as a dash');
  });

  it('says one synced user in the singular, and why a preview is empty', () => {
    assert.ok(page({ preview: { names: ['a'], rows: [{ userName: 'x', attributes: { a: 1 } }] } }).includes('gives one synced user.'));
    const empty = page({ preview: { names: ['a'], rows: [] } });
    assert.ok(empty.includes('No users are synced yet.'));
    assert.ok(!empty.includes('preview-table'));
    assert.ok(!page().includes('id="preview"'));
  });

  it('reports the reprojection running and done', () => {
    const running = page({ reprojection: { status: 'running', done: 1500, total: 12000, finishedAt: null } });
    assert.ok(running.includes('data-reprojection="running"'));
    assert.ok(running.includes('1,500 of 12,000 done.'));
    const done = page({ reprojection: { status: 'done', done: 12000, total: 12000, finishedAt: new Date('2024-03-01T10:00:00Z') } });
    assert.ok(done.includes('data-reprojection="done">Last saved mapping applied to all 12,000 users <time datetime="2024-03-01T10:00:00.000Z"'));
    assert.ok(!page().includes('data-reprojection'));
  });

  it('lists the example paths', () => {
    const p = page();
    for (const path of ['title', 'name.givenName', 'phoneNumbers', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value']) {
      assert.ok(p.includes(`<dt><code>${path}</code></dt>`), path);
    }
  });
});
