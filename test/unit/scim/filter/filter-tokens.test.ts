import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterSyntax, rewriteSubAttributeAfterValuePath, tokenize } from '../../../../src/scim/filter/filter-tokens';

const literals = (text: string) => rewriteSubAttributeAfterValuePath(tokenize(text)).map((t) => t.literal).join(' ');

describe('tokenize', () => {
  it('keeps a quoted compValue as its raw JSON literal (backslashes are not doubled)', () => {
    const tokens = tokenize('userName eq "a\\\\b\\n"');
    assert.deepEqual(tokens.map((t) => t.type), ['Word', 'Word', 'Quoted']);
    assert.equal(JSON.parse(tokens[2]!.literal), 'a\\b\n');
  });

  it('tells numbers, brackets and words apart', () => {
    assert.deepEqual(
      tokenize('emails[value co "x"].type pr or x gt 1.5e3').map((t) => `${t.type}:${t.literal}`),
      ['Word:emails', 'Bracket:[', 'Word:value', 'Word:co', 'Quoted:"x"', 'Bracket:].', 'Word:type', 'Word:pr', 'Word:or', 'Word:x', 'Word:gt', 'Number:1.5e3'],
    );
  });

  it('throws on characters outside the grammar', () => {
    assert.throws(() => tokenize('userName eq "x" ; drop'), /unexpected input/);
    assert.throws(() => tokenize('userName eq "unterminated'), /unexpected input/);
  });
});

describe('rewriteSubAttributeAfterValuePath', () => {
  it('binds the trailing sub-attribute condition to the same element', () => {
    assert.equal(literals('emails[type eq "work"].value eq "x"'), 'emails [ ( type eq "work" ) and value eq "x" ]');
    assert.equal(literals('emails[type eq "work"].value pr'), 'emails [ ( type eq "work" ) and value pr ]');
  });

  it('leaves filters without `].` alone', () => {
    assert.equal(literals('emails[type eq "work"] and userName eq "a"'), 'emails [ type eq "work" ] and userName eq "a"');
  });

  it('refuses an unknown operator or a missing value after `].`', () => {
    assert.throws(() => literals('emails[type eq "work"].value like "x"'), /unknown operator/);
    assert.throws(() => literals('emails[type eq "work"].value eq'), /missing comparison value/);
    assert.throws(() => literals('emails[type eq "work"]. eq "x"'), /.+/);
  });
});

describe('parseFilterSyntax', () => {
  it('parses a whole filter and refuses trailing tokens', () => {
    assert.ok(parseFilterSyntax('userName eq "a" and active eq true', 10));
    assert.throws(() => parseFilterSyntax('userName eq "a" "b"', 10));
  });

  it('refuses nesting beyond the limit before the recursive parser runs', () => {
    const deep = '('.repeat(5) + 'userName eq "a"' + ')'.repeat(5);
    assert.ok(parseFilterSyntax(deep, 5));
    assert.throws(() => parseFilterSyntax(deep, 4), /nested too deeply/);
    const hostile = '('.repeat(100_000) + 'a pr' + ')'.repeat(100_000);
    assert.throws(() => parseFilterSyntax(hostile, 64), /nested too deeply/);
  });
});
