/**
 * The circuit breaker's decision for one directory and one sequencer round, as a
 * pure function of what one set-based query read (src/store/hold-store.ts,
 * `HoldStore.roundCandidates`). No I/O here, so every rule is unit-tested
 * (test/unit/delivery/breaker-decision.test.ts) and the sequencer pays one query.
 */

export type DestructiveKind = 'deactivation' | 'deletion' | 'role_removal' | 'group_deletion';

export interface BreakerThresholds {
  enabled: boolean;
  windowSeconds: number;
  /** Distinct subjects (people, deleted groups) that trip the breaker. */
  minCount: number;
  /** Share of the directory's active users, in percent, that must ALSO be reached. */
  minPercent: number;
}

/** An event numbered in this round that the breaker must look at (the query returns no other). */
export interface Candidate {
  eventId: string;
  seq: number;
  /** `${resource_type}:${resource_id}`: the unit of ordering (events apply by resource version). */
  resource: string;
  /** Destructive by itself, or null. */
  kind: DestructiveKind | null;
  /** What the window counts: the user (deactivation, deletion, role removal) or the group (group deletion). */
  subject: string | null;
  /** The subject already counts in the current window (an earlier round marked it). */
  subjectInWindow: boolean;
  /** An open hold keeps back an earlier event of this resource: this one must wait behind it. */
  behindHold: string | null;
  /** A user event whose state is active and not deleted: it undoes a held deactivation. */
  restores: boolean;
}

export interface DirectoryRound {
  thresholds: BreakerThresholds;
  openHoldId: string | null;
  /** Distinct subjects counted in the window before this round. */
  windowCount: number;
  /** Users active in the directory now (after the stored writes). */
  activeUsers: number;
  candidates: Candidate[];
}

export interface Decision {
  /** A hold must be opened (no hold was open and the thresholds were reached). */
  opens: boolean;
  /** Events to hold, in seq order; `hold` is the open hold's id, or null for the one being opened. */
  held: { eventId: string; hold: string | null; kind: DestructiveKind | null }[];
  /** Destructive changes the window counts from now on (held or delivered). */
  marks: { eventId: string; subject: string; kind: DestructiveKind }[];
  /** Resources whose held events a later change cancelled (never delivered); `hold` null: the one being opened. */
  cancelled: { hold: string | null; resource: string }[];
}

/**
 * The count needed to trip: the absolute count, and the share of the users who
 * were active when the window began (active now plus the subjects counted, which
 * were active before their change). Both must be reached.
 */
export function tripsAt(t: BreakerThresholds, count: number, activeUsers: number): boolean {
  if (!t.enabled || count < t.minCount) return false;
  const base = activeUsers + count;
  return base > 0 && (count * 100) / base >= t.minPercent;
}

export function decide(round: DirectoryRound): Decision {
  const out: Decision = { opens: false, held: [], marks: [], cancelled: [] };
  // undefined: none open (or the breaker is off: new destructive changes flow); null: opened in this round.
  let hold: string | null | undefined = round.thresholds.enabled ? (round.openHoldId ?? undefined) : undefined;
  let count = round.windowCount;
  const seen = new Set<string>();
  // Resources with a held event, and the hold keeping them.
  const heldResources = new Map<string, string | null>();
  // Resources whose held events were cancelled in this round: no longer behind anything.
  const cleared = new Set<string>();
  for (const raw of [...round.candidates].sort((a, b) => a.seq - b.seq)) {
    const behind = heldResources.has(raw.resource) ? heldResources.get(raw.resource)! : raw.behindHold;
    const isBehind = heldResources.has(raw.resource) || (raw.behindHold !== null && !cleared.has(raw.resource));
    // A later update of a held-deactivated user still says active=false: it waits behind
    // the held deactivation, but it is not a second destructive change.
    const c: Candidate = isBehind && raw.kind === 'deactivation' ? { ...raw, kind: null, subject: null } : raw;
    if (c.kind && c.subject && !c.subjectInWindow && !seen.has(c.subject)) {
      seen.add(c.subject);
      count++;
    }
    if (c.kind && c.subject) out.marks.push({ eventId: c.eventId, subject: c.subject, kind: c.kind });
    if (isBehind) {
      if (c.restores && !c.kind) {
        // A reactivation behind a held deactivation: the held events of this user are
        // moot (never delivered) and this one, carrying the full active state, flows.
        out.cancelled.push({ hold: behind, resource: c.resource });
        heldResources.delete(c.resource);
        cleared.add(c.resource);
        continue;
      }
      out.held.push({ eventId: c.eventId, hold: behind, kind: c.kind });
      heldResources.set(c.resource, behind);
      continue;
    }
    if (!c.kind) continue;
    if (hold === undefined && tripsAt(round.thresholds, count, round.activeUsers)) {
      hold = null;
      out.opens = true;
    }
    if (hold !== undefined) {
      out.held.push({ eventId: c.eventId, hold, kind: c.kind });
      heldResources.set(c.resource, hold);
    }
  }
  return out;
}
