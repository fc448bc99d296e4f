import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../../src/events/event-types';

describe('EVENT_TYPES', () => {
  it('names every event resource.past_tense, once', () => {
    assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
    for (const t of EVENT_TYPES) assert.match(t, /^(user|group|directory)\.[a-z_]+$/);
  });

  it('covers the lifecycle of users, groups, memberships and directories', () => {
    for (const t of ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted', 'group.created', 'group.updated', 'group.deleted', 'group.user_added', 'group.user_removed', 'directory.enabled', 'directory.disabled']) {
      assert.ok((EVENT_TYPES as readonly string[]).includes(t), t);
    }
  });
});
