import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SafeHtml, escapeHtml, html, queryString, timeTag } from '../../../../src/http/portal/html';

describe('html (escaping by construction)', () => {
  it('escapes every interpolated string, quotes and backticks included', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&\`</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
    assert.equal(html`<p title="${'"><b>'}">${'<i>'}</p>`.value, '<p title="&quot;&gt;&lt;b&gt;">&lt;i&gt;</p>');
  });

  it('nests SafeHtml unescaped, flattens arrays and drops null, undefined and false', () => {
    const inner = html`<b>${'x<'}</b>`;
    assert.ok(inner instanceof SafeHtml);
    assert.equal(html`${inner}${[html`<i>1</i>`, '<2>']}${null}${undefined}${false}${0}${true}`.value, '<b>x&lt;</b><i>1</i>&lt;2&gt;0true');
    assert.equal(String(inner), '<b>x&lt;</b>');
  });

  it('does not trust a string that merely looks like markup', () => {
    assert.equal(html`${{ value: '<b>' } as unknown as string}`.value, '[object Object]');
  });
});

describe('queryString', () => {
  it('keeps defined, non-empty values, encoded', () => {
    assert.equal(queryString({ q: 'a b&c', after: undefined, status: '' }), '?q=a+b%26c');
    assert.equal(queryString({}), '');
  });
});

describe('timeTag', () => {
  const d = new Date('2026-11-28T14:05:09Z');

  it('shows UTC with seconds, or the short form, inside <time>', () => {
    assert.equal(timeTag(d).value, '<time datetime="2026-11-28T14:05:09.000Z" title="2026-11-28T14:05:09.000Z">2026-11-28 14:05:09 UTC</time>');
    assert.match(timeTag(d, 'Never', true).value, />2026-11-28 14:05<\/time>$/);
  });

  it('shows the escaped empty text when there is no date', () => {
    assert.equal(timeTag(null).value, '<span class="muted">Never</span>');
    assert.equal(timeTag(undefined, '<none>').value, '<span class="muted">&lt;none&gt;</span>');
  });
});
