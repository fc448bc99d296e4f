import type pg from 'pg';
import { summarise, type LatencySummary } from './closed-loop';

/**
 * How far the app's user model trails the directory: for sampled 201s, the
 * time until a row with that `directory_user_id` appears in `app_users`.
 * The table is the delivery issue's; until it exists the probe reports n/a.
 */
export class DeliveryLagProbe {
  private readonly pending = new Map<string, number>();
  private readonly lags: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  private constructor(private readonly pool: pg.Pool, private readonly maxTracked: number) {}

  /** A probe when `app_users(directory_user_id)` exists, else undefined. */
  static async create(pool: pg.Pool, maxTracked = 2000): Promise<DeliveryLagProbe | undefined> {
    const { rows } = await pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'app_users' AND column_name = 'directory_user_id'`,
    );
    return rows.length ? new DeliveryLagProbe(pool, maxTracked) : undefined;
  }

  /** Records a 201 (bounded: beyond `maxTracked` samples new ones are ignored). */
  track(userId: string, acknowledgedAt: number): void {
    if (this.pending.size + this.lags.length < this.maxTracked) this.pending.set(userId, acknowledgedAt);
  }

  start(intervalMs = 20): void {
    this.timer = setInterval(() => void this.poll(), intervalMs);
  }

  /** Waits (at most `timeoutMs`) for the tracked rows, then summarises; rows never seen count as missing. */
  async finish(timeoutMs = 15_000): Promise<{ lag: LatencySummary; missing: number; tracked: number }> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.timer) clearInterval(this.timer);
    return { lag: summarise(this.lags), missing: this.pending.size, tracked: this.lags.length + this.pending.size };
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.pending.size) return;
    this.polling = true;
    try {
      const ids = [...this.pending.keys()].slice(0, 500);
      const { rows } = await this.pool.query<{ id: string }>('SELECT DISTINCT directory_user_id::text AS id FROM app_users WHERE directory_user_id::text = ANY($1::text[])', [ids]);
      const now = Date.now();
      for (const r of rows) {
        const at = this.pending.get(r.id);
        if (at === undefined) continue;
        this.lags.push(Math.max(0, now - at));
        this.pending.delete(r.id);
      }
    } catch {
      // a table mid-migration: try again on the next tick
    } finally {
      this.polling = false;
    }
  }
}
