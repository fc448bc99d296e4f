import type { ChangeChannel, ChangeSubscriber } from '../store/change-listener';

export interface ReplayMarkerIndexOptions {
  /** Loads every live marker key (`<directoryId>:<fingerprint>`) from PostgreSQL. */
  loadAll: () => Promise<string[]>;
  /** Whether change notifications are flowing right now. */
  live: () => boolean;
  /** Most keys kept; past it the index gives up and every write asks PostgreSQL. */
  maxKeys?: number;
  onLoadError?: (err: unknown) => void;
}

/**
 * Which requests were answered 503, known in memory so that the happy path needs no
 * replay-marker query (issue 10, requirement 3).
 *
 * The durable record stays the `replay_markers` row in PostgreSQL: it is written before
 * the 503 leaves, so it survives a Redis flush and a web restart. Its trigger notifies
 * every web process, which adds the key here; Okta's retry comes at least Retry-After
 * seconds later, long after the notification. `mightHave` answers "no" only when the
 * index is complete: loaded since the listener last (re)connected, listener live, and
 * not over its size cap. Otherwise it answers "maybe" and the caller asks PostgreSQL,
 * exactly as before. A stale key (marker since deleted) only costs that one query.
 */
export class ReplayMarkerIndex implements ChangeSubscriber {
  private keys = new Set<string>();
  private loaded = false;
  private overflow = false;
  private loading: Promise<void> | undefined;
  private epoch = 0;
  private during: Set<string> | undefined;

  constructor(private readonly options: ReplayMarkerIndexOptions) {}

  mightHave(directoryId: string, fingerprint: string): boolean {
    if (!this.loaded || this.overflow || !this.options.live()) return true;
    return this.keys.has(`${directoryId}:${fingerprint}`);
  }

  /** Adds a key this process wrote itself (its notification will come too). */
  add(directoryId: string, fingerprint: string): void {
    this.addKey(`${directoryId}:${fingerprint}`);
  }

  onChange(channel: ChangeChannel, payload: string): void {
    if (channel === 'dirsync_replay') this.addKey(payload);
  }

  /** Listener (re)connected: what was missed is reloaded; until then every write asks PostgreSQL. */
  onResync(): void {
    this.loaded = false;
    this.reload();
  }

  /**
   * Replaces the keys with PostgreSQL's live markers (markers expire after a day there),
   * keeping the index usable meanwhile; keys notified during the load are kept too.
   */
  refresh(): void {
    if (this.loaded && this.options.live()) this.reload();
  }

  /** Resolves when a pending reload has finished (tests, startup). */
  async ready(): Promise<void> {
    await this.loading;
  }

  get size(): number {
    return this.keys.size;
  }

  private reload(): void {
    const epoch = ++this.epoch;
    // Keys notified while the load runs are remembered, so the swap below loses none.
    const during = new Set<string>();
    this.during = during;
    this.loading = this.options
      .loadAll()
      .then((all) => {
        if (epoch !== this.epoch) return;
        const next = new Set<string>(all);
        for (const k of during) next.add(k);
        this.keys = next;
        this.overflow = next.size > (this.options.maxKeys ?? 100_000);
        this.loaded = true;
      })
      .catch((err: unknown) => this.options.onLoadError?.(err))
      .finally(() => {
        if (epoch === this.epoch) {
          this.loading = undefined;
          this.during = undefined;
        }
      });
  }

  private addKey(key: string): void {
    this.during?.add(key);
    if (this.keys.size >= (this.options.maxKeys ?? 100_000)) {
      this.overflow = true;
      return;
    }
    this.keys.add(key);
  }
}
