import type { Db } from '../store/db';
import { HoldStore, type Hold, type HoldPerson, type StoredBreakerSettings } from '../store/hold-store';
import type { BreakerDefaults } from './circuit-breaker';

/** A hold as the admin API, the CLI and the portal show it. */
export const presentHold = (h: Hold) => ({
  id: h.id,
  organizationId: h.organizationId,
  directoryId: h.directoryId,
  status: h.status,
  counts: h.counts,
  heldEvents: h.heldEvents,
  people: h.people,
  firstAt: h.firstAt.toISOString(),
  lastAt: h.lastAt.toISOString(),
  createdAt: h.createdAt.toISOString(),
  closedAt: h.closedAt ? h.closedAt.toISOString() : null,
  closedBy: h.closedBy,
});

export const presentPerson = (p: HoldPerson) => ({ userId: p.userId, userName: p.userName, kinds: p.kinds, roles: p.roles });

/** The thresholds in effect for a directory, and which of them it sets itself. */
export interface BreakerSettingsView {
  enabled: boolean;
  windowSeconds: number;
  minCount: number;
  minPercent: number;
  /** The directory's own values (null: the global default applies). */
  overrides: StoredBreakerSettings;
}

export function effectiveSettings(defaults: BreakerDefaults, stored: StoredBreakerSettings): BreakerSettingsView {
  return {
    enabled: stored.enabled ?? defaults.enabled,
    windowSeconds: stored.windowSeconds ?? defaults.windowSeconds,
    minCount: stored.minCount ?? defaults.minCount,
    minPercent: stored.minPercent ?? defaults.minPercent,
    overrides: stored,
  };
}

export async function breakerSettings(db: Db, defaults: BreakerDefaults, directoryId: string): Promise<BreakerSettingsView> {
  return effectiveSettings(defaults, await new HoldStore(db).settings(directoryId));
}

export async function setBreakerSettings(db: Db, defaults: BreakerDefaults, directoryId: string, patch: Partial<StoredBreakerSettings>): Promise<BreakerSettingsView> {
  return effectiveSettings(defaults, await new HoldStore(db).setSettings(directoryId, patch));
}

export class HoldActionError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'not_open',
  ) {
    super(message);
    this.name = 'HoldActionError';
  }
}

/**
 * Release (deliver the held events, in order, to every sink) or discard (never
 * deliver them). `by` says who did it (for the record). Throws HoldActionError when
 * the hold does not exist or is no longer open.
 */
export async function closeHold(db: Db, holdId: string, action: 'release' | 'discard', by: string): Promise<Hold> {
  const result = await new HoldStore(db).close(holdId, action === 'release' ? 'released' : 'discarded', by);
  if (!result) throw new HoldActionError('Hold not found', 'not_found');
  if (!result.changed) throw new HoldActionError(`Hold ${holdId} is already ${result.hold.status}`, 'not_open');
  return result.hold;
}
