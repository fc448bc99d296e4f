import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enterPage, messagePage } from '../../../../../src/http/portal/pages/message-pages';
import { ESCAPED, HOSTILE } from '../../../../support/portal-fixtures';

describe('enterPage', () => {
  it('posts the link token back with one button and escapes the organization name', () => {
    const page = enterPage(HOSTILE, 'tok"1');
    assert.ok(page.includes(`Admin Portal for ${ESCAPED}`));
    assert.ok(page.includes('<form method="post" action="/portal/enter">'));
    assert.ok(page.includes('name="token" value="tok&quot;1"'));
    assert.ok(!page.includes(HOSTILE));
  });
});

describe('messagePage', () => {
  it('shows an escaped title and message, and the request id only when given', () => {
    const page = messagePage(HOSTILE, `m ${HOSTILE}`, 'req-9');
    assert.ok(page.includes(`<h1>${ESCAPED}</h1>`));
    assert.ok(page.includes(`<p>m ${ESCAPED}</p>`));
    assert.ok(page.includes('Reference: <code>req-9</code>'));
    assert.ok(!messagePage('T', 'M').includes('Reference'));
  });
});
