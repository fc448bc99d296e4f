import { matchToken, type DirectoryAuthEntry, type DirectoryPrincipal } from '../store/directory-store';
import type { ChangeChannel, ChangeSubscriber } from '../store/change-listener';

export interface PrincipalCacheOptions {
  /** How long a directory's tokens are trusted without a notification (the backstop). */
  ttlMs: number;
  /** Most directories kept; the oldest entry goes first beyond it. */
  maxEntries?: number;
  /** Whether change notifications are flowing right now (else every call reads PostgreSQL). */
  live: () => boolean;
}

interface Cached {
  entry: DirectoryAuthEntry | null;
  until: number;
  /** Bumped by every invalidation, so a load that raced one is not stored. */
  generation: number;
}

/**
 * Authentication without a PostgreSQL query per request. Each web process keeps, per
 * directory, the hashes of its live tokens for a short time (`ttlMs`). Rotating,
 * revoking or expiring a token, or disabling or deleting a directory or organization,
 * fires a `dirsync_auth` notification from a trigger; every web process drops the
 * affected entries when it arrives (milliseconds after COMMIT). The TTL is the backstop
 * for a lost notification, and while the listener is down nothing is cached at all.
 * Token expiry is checked at use time, so it needs no notification. The comparison
 * stays constant-time (matchToken).
 */
export class PrincipalCache implements ChangeSubscriber {
  private readonly entries = new Map<string, Cached>();
  private generation = 0;

  constructor(
    private readonly load: (directoryId: string) => Promise<DirectoryAuthEntry | null>,
    private readonly options: PrincipalCacheOptions,
  ) {}

  /** The principal for `token` on `directoryId`, from the cache when it is fresh. */
  async authenticate(directoryId: string, token: string, now = Date.now()): Promise<DirectoryPrincipal | undefined> {
    const cached = this.fresh(directoryId, now);
    if (cached) return matchToken(directoryId, cached.entry, token, now);
    const generation = this.generation;
    const entry = await this.load(directoryId);
    if (this.options.live() && generation === this.generation) this.store(directoryId, entry, now);
    return matchToken(directoryId, entry, token, now);
  }

  /** The principal when the cache can answer without PostgreSQL, else `undefined` (no I/O). */
  peek(directoryId: string, token: string, now = Date.now()): DirectoryPrincipal | undefined {
    const cached = this.fresh(directoryId, now);
    return cached ? matchToken(directoryId, cached.entry, token, now) : undefined;
  }

  onChange(channel: ChangeChannel, payload: string): void {
    if (channel !== 'dirsync_auth') return;
    this.generation++;
    if (payload.startsWith('dir:')) {
      this.entries.delete(payload.slice(4));
    } else if (payload.startsWith('org:')) {
      const org = payload.slice(4);
      for (const [id, c] of this.entries) if (!c.entry || c.entry.organizationId === org) this.entries.delete(id);
    } else {
      this.entries.clear();
    }
  }

  onResync(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private fresh(directoryId: string, now: number): Cached | undefined {
    if (!this.options.live()) return undefined;
    const c = this.entries.get(directoryId);
    if (!c || c.until <= now) return undefined;
    return c;
  }

  private store(directoryId: string, entry: DirectoryAuthEntry | null, now: number): void {
    const max = this.options.maxEntries ?? 10_000;
    if (this.entries.size >= max && !this.entries.has(directoryId)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(directoryId);
    this.entries.set(directoryId, { entry, until: now + this.options.ttlMs, generation: this.generation });
  }
}
