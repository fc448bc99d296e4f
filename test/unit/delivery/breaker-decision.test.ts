import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, tripsAt, type BreakerThresholds, type Candidate, type DirectoryRound } from '../../../src/delivery/breaker-decision';

const T: BreakerThresholds = { enabled: true, windowSeconds: 900, minCount: 20, minPercent: 10 };

let seq = 0;
const deact = (user: string, over: Partial<Candidate> = {}): Candidate => ({
  eventId: `e${++seq}`,
  seq,
  resource: `user:${user}`,
  kind: 'deactivation',
  subject: `user:${user}`,
  subjectInWindow: false,
  behindHold: null,
  restores: false,
  ...over,
});
const follow = (user: string, over: Partial<Candidate> = {}): Candidate => deact(user, { kind: null, subject: null, ...over });
const round = (candidates: Candidate[], over: Partial<DirectoryRound> = {}): DirectoryRound => ({ thresholds: T, openHoldId: null, windowCount: 0, activeUsers: 100, candidates, ...over });
const users = (n: number, from = 0) => Array.from({ length: n }, (_, i) => deact(`u${from + i}`));

describe('tripsAt: both the count and the share', () => {
  it('needs the absolute count', () => {
    assert.equal(tripsAt(T, 19, 10), false);
    assert.equal(tripsAt(T, 20, 10), true);
  });
  it('needs the share of the users active when the window began (active now + counted)', () => {
    // 20 of 10,000: 0.2 % — a large directory's normal churn.
    assert.equal(tripsAt(T, 20, 10_000), false);
    // 20 of 200 (180 active now + the 20): exactly 10 %.
    assert.equal(tripsAt(T, 20, 180), true);
    assert.equal(tripsAt(T, 20, 181), false);
  });
  it('never trips when off', () => {
    assert.equal(tripsAt({ ...T, enabled: false }, 1000, 0), false);
  });
});

describe('decide', () => {
  it('5 deactivations: nothing held, all counted', () => {
    const d = decide(round(users(5)));
    assert.equal(d.opens, false);
    assert.deepEqual(d.held, []);
    assert.equal(d.marks.length, 5);
  });

  it('40 deactivations in one round: the first 19 flow, the 20th trips, 21 are held by the new hold', () => {
    const d = decide(round(users(40)));
    assert.equal(d.opens, true);
    assert.equal(d.held.length, 21);
    assert.ok(d.held.every((h) => h.hold === null && h.kind === 'deactivation'));
    assert.equal(d.marks.length, 40);
  });

  it('counts across rounds through the window', () => {
    const d = decide(round(users(3, 100), { windowCount: 18 }));
    assert.equal(d.opens, true);
    assert.equal(d.held.length, 2, 'the 19th flows, the 20th and 21st are held');
  });

  it('a subject already counted in the window is not counted twice', () => {
    const d = decide(round([deact('a', { subjectInWindow: true }), deact('b', { subjectInWindow: true })], { windowCount: 19 }));
    assert.equal(d.opens, false);
  });

  it('an open hold takes every new destructive change, whatever the count', () => {
    const d = decide(round(users(1, 200), { openHoldId: 'H' }));
    assert.deepEqual(d.held.map((h) => h.hold), ['H']);
  });

  it('a breaker turned off holds nothing new, even with a hold open; events behind that hold still wait', () => {
    const d = decide(round([...users(30, 300), follow('x', { behindHold: 'H' })], { openHoldId: 'H', thresholds: { ...T, enabled: false } }));
    assert.equal(d.opens, false);
    assert.deepEqual(d.held.map((h) => h.eventId), [d.held[0]!.eventId]);
    assert.equal(d.held[0]!.hold, 'H');
  });

  it('a later event of a held resource waits behind it and is not a second destructive change', () => {
    const d = decide(round([deact('a', { behindHold: 'H', resource: 'user:a' })], { openHoldId: 'H' }));
    assert.deepEqual(d.held, [{ eventId: d.held[0]!.eventId, hold: 'H', kind: null }]);
    assert.equal(d.marks.length, 0);
  });

  it('a later event of a resource held in the same round waits behind it', () => {
    const list = users(20, 400);
    const rename = follow('u419');
    const d = decide(round([...list, rename]));
    assert.ok(d.held.some((h) => h.eventId === rename.eventId && h.kind === null));
  });

  it('a reactivation behind a held deactivation cancels it and flows', () => {
    const back = follow('a', { behindHold: 'H', restores: true });
    const d = decide(round([back], { openHoldId: 'H' }));
    assert.deepEqual(d.cancelled, [{ hold: 'H', resource: 'user:a' }]);
    assert.deepEqual(d.held, []);
  });

  it('a reactivation in the same round as the held deactivation cancels it; later events of that user flow', () => {
    const list = users(20, 500);
    const back = follow('u519', { restores: true });
    const rename = follow('u519');
    const d = decide(round([...list, back, rename]));
    assert.deepEqual(d.cancelled, [{ hold: null, resource: 'user:u519' }]);
    assert.ok(!d.held.some((h) => h.eventId === back.eventId || h.eventId === rename.eventId));
  });

  it('a non-destructive event of a resource without a hold is left alone', () => {
    const d = decide(round([follow('z', { restores: true })]));
    assert.deepEqual(d, { opens: false, held: [], marks: [], cancelled: [] });
  });
});
