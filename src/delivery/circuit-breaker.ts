import type { Knex } from 'knex';
import { HoldStore, type CandidateRow } from '../store/hold-store';
import { EventStore } from '../store/event-store';
import { decide, type BreakerThresholds, type Candidate, type DestructiveKind } from './breaker-decision';

/**
 * A hold the round read as open was released or discarded before the round could lock
 * it: the round's transaction rolls back and the drainer runs it again (a fresh
 * snapshot then judges those events without that hold), so no event ever joins a
 * hold after its release copied the held events.
 */
export class HoldClosedMeanwhile extends Error {
  constructor() {
    super('a hold was closed while the sequencer judged its events; the round is retried');
    this.name = 'HoldClosedMeanwhile';
  }
}

/** Global defaults (BREAKER_* variables, docs/configuration.md); a directory may override each. */
export type BreakerDefaults = BreakerThresholds;

/** The defaults when no configuration is handed in (the same as the variables' defaults). */
export const BUILT_IN_BREAKER_DEFAULTS: BreakerDefaults = Object.freeze({ enabled: true, windowSeconds: 900, minCount: 20, minPercent: 10 });

/**
 * The deprovisioning circuit breaker's step of a sequencer round
 * (docs/circuit-breaker.md), inside the sequencer's transaction, so the decision
 * becomes visible together with the sequence numbers: no drain can read an event
 * numbered but not yet judged. The sequencer's numbering statement names the events
 * to judge (`eventIds`: destructive ones, or all of a directory with a hold); usually
 * none, and then this costs nothing. Otherwise one statement classifies them
 * (`HoldStore.roundCandidates`), one reads their directories' context
 * (`HoldStore.roundContext`), and a few write what was decided. Returns the directories for which it appended an
 * event (`directory.sync_held`), which the next round numbers.
 */
export async function judgeRound(trx: Knex.Transaction, eventIds: string[], defaults: BreakerDefaults = BUILT_IN_BREAKER_DEFAULTS): Promise<Set<string>> {
  const appended = new Set<string>();
  if (!eventIds.length) return appended;
  const holds = new HoldStore(trx);
  const rows = await holds.roundCandidates(trx, eventIds);
  if (!rows.length) return appended;

  const byDir = new Map<string, CandidateRow[]>();
  for (const row of rows) {
    const list = byDir.get(row.directory_id) ?? [];
    list.push(row);
    byDir.set(row.directory_id, list);
  }
  // Only rounds with something to judge pay for the directory context (a second statement).
  const subjects = rows.filter((row) => row.subject).map((row) => ({ directoryId: row.directory_id, subject: row.subject as string }));
  const context = await holds.roundContext(trx, [...byDir.keys()], subjects, defaults.windowSeconds);
  const held: { eventId: string; holdId: string; kind: DestructiveKind | null }[] = [];
  const marks: { eventId: string; subject: string; kind: DestructiveKind }[] = [];
  const cancelled: { holdId: string; resourceType: string; resourceId: string }[] = [];
  const touched = new Set<string>();
  const superseding = new Set<string>();
  const opened = new Set<string>();
  for (const [directoryId, list] of byDir) {
    const first = list[0]!;
    const ctx = context.directories.get(directoryId);
    if (!ctx) continue;
    const decision = decide({
      thresholds: {
        enabled: ctx.enabled ?? defaults.enabled,
        windowSeconds: ctx.window_seconds ?? defaults.windowSeconds,
        minCount: ctx.min_count ?? defaults.minCount,
        minPercent: ctx.min_percent === null ? defaults.minPercent : Number(ctx.min_percent),
      },
      openHoldId: ctx.open_hold,
      windowCount: ctx.window_count,
      activeUsers: ctx.active_users,
      candidates: list.map((row) => toCandidate(row, context.inWindow.has(`${directoryId}/${row.subject}`))),
    });
    let newHold: string | undefined;
    if (decision.opens) {
      newHold = await holds.open(trx, first.organization_id, directoryId);
      opened.add(newHold);
      const version = await holds.bumpDirectoryVersion(trx, directoryId);
      // Apps learn at once that deprovisioning is held back (webhooks, events API).
      await new EventStore(trx).appendEvents({ organizationId: first.organization_id, directoryId, operationId: null }, [
        { type: 'directory.sync_held', resourceType: 'directory', resourceId: directoryId, resourceVersion: version, data: { holdId: newHold, directoryId, reason: 'deprovisioning circuit breaker tripped' } },
      ]);
      appended.add(directoryId);
    }
    const holdOf = (h: string | null): string => h ?? (newHold as string);
    for (const h of decision.held) {
      held.push({ eventId: h.eventId, holdId: holdOf(h.hold), kind: h.kind });
      touched.add(holdOf(h.hold));
    }
    marks.push(...decision.marks);
    for (const c of decision.cancelled) {
      const [resourceType, resourceId] = c.resource.split(':') as [string, string];
      cancelled.push({ holdId: holdOf(c.hold), resourceType, resourceId });
      touched.add(holdOf(c.hold));
    }
    const heldIds = new Set(decision.held.map((h) => h.eventId));
    for (const row of list) if (row.supersedes && !heldIds.has(row.id)) superseding.add(row.resource_id);
  }
  // Holds that were open in the round's snapshot: a release or discard may have closed one since.
  const joined = [...new Set([...held.map((h) => h.holdId), ...cancelled.map((c) => c.holdId)])].filter((id) => !opened.has(id));
  const stillOpen = await holds.lockOpen(trx, joined);
  if (stillOpen.size < joined.length) throw new HoldClosedMeanwhile();
  await holds.holdEvents(trx, held);
  await holds.mark(trx, marks);
  await holds.cancel(trx, cancelled);
  await holds.refresh(trx, [...touched]);
  await holds.endPreservation(trx, [...superseding]);
  return appended;
}

const toCandidate = (row: CandidateRow, subjectInWindow: boolean): Candidate => ({
  eventId: row.id,
  seq: row.seq,
  resource: `${row.resource_type}:${row.resource_id}`,
  kind: row.kind,
  subject: row.subject,
  subjectInWindow,
  behindHold: row.behind_hold,
  restores: row.restores,
});
