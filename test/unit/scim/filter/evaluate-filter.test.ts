import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { elementFromFilter, matchesElement, valueEqualities } from '../../../../src/scim/filter/evaluate-filter';
import { parseFilter, type FilterNode } from '../../../../src/scim/filter/parse-filter';

/** The inner filter of `attr[...]`, as PATCH sees it. */
function inner(text: string, type: 'User' | 'Group' = 'User'): FilterNode {
  const r = parseFilter(text, type);
  if (!r.ok) throw new Error(r.error.message);
  assert.equal(r.value.kind, 'valuePath');
  return (r.value as Extract<FilterNode, { kind: 'valuePath' }>).filter;
}

describe('matchesElement', () => {
  const work = { type: 'work', value: 'Jane@X.example', primary: true };
  const home = { type: 'home', value: 'j@home.example' };

  it('compares case-insensitively unless the sub-attribute is caseExact', () => {
    assert.equal(matchesElement(inner('emails[type eq "WORK"]'), work), true);
    assert.equal(matchesElement(inner('emails[value eq "jane@x.example"]'), work), true);
    assert.equal(matchesElement(inner('emails[value sw "jane@"]'), home), false);
    assert.equal(matchesElement(inner('emails[value ew ".EXAMPLE"]'), home), true);
    assert.equal(matchesElement(inner('emails[value co "home"]'), home), true);
  });

  it('handles and/or/not, presence and booleans', () => {
    assert.equal(matchesElement(inner('emails[type eq "work" and primary eq true]'), work), true);
    assert.equal(matchesElement(inner('emails[type eq "work" and primary eq true]'), home), false);
    assert.equal(matchesElement(inner('emails[type eq "x" or value pr]'), home), true);
    assert.equal(matchesElement(inner('emails[not (type eq "work")]'), home), true);
    assert.equal(matchesElement(inner('emails[primary pr]'), home), false);
    assert.equal(matchesElement(inner('emails[type ne "work"]'), home), true);
  });

  it('treats an empty string as not present', () => {
    assert.equal(matchesElement(inner('emails[display pr]'), { display: '' }), false);
    assert.equal(matchesElement(inner('emails[display pr]'), { display: 'D' }), true);
  });

  it('never matches a boolean against a string', () => {
    assert.equal(matchesElement(inner('emails[primary eq true]'), { primary: 'true' }), false);
  });
});

describe('elementFromFilter', () => {
  it('builds the element an eq-only filter describes (Entra add through a filter)', () => {
    assert.deepEqual(elementFromFilter(inner('emails[type eq "work"]')), { type: 'work' });
    assert.deepEqual(elementFromFilter(inner('emails[type eq "work" and primary eq true]')), { type: 'work', primary: true });
  });

  it('gives up on anything but eq joined by and', () => {
    assert.equal(elementFromFilter(inner('emails[type eq "work" or type eq "home"]')), undefined);
    assert.equal(elementFromFilter(inner('emails[type ne "work"]')), undefined);
    assert.equal(elementFromFilter(inner('emails[type pr]')), undefined);
  });
});

describe('valueEqualities', () => {
  it('lists the values of value eq ... or value eq ...', () => {
    assert.deepEqual(valueEqualities(inner('members[value eq "a" or value eq "b"]', 'Group')), ['a', 'b']);
    assert.deepEqual(valueEqualities(inner('members[value eq "a"]', 'Group')), ['a']);
  });

  it('is undefined for any other shape', () => {
    assert.equal(valueEqualities(inner('members[value eq "a" and value eq "b"]', 'Group')), undefined);
    assert.equal(valueEqualities(inner('members[value ne "a"]', 'Group')), undefined);
    assert.equal(valueEqualities(inner('emails[value eq "a" or type eq "work"]')), undefined);
  });
});
