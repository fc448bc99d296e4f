import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/config';

/** Channels sent by the triggers of migrations/20261129000300_change_notifications.ts. */
export const CHANNELS = ['dirsync_auth', 'dirsync_replay'] as const;
export type ChangeChannel = (typeof CHANNELS)[number];

/** The listener's own proof of life: sent through another connection, it must come back here. */
const HEARTBEAT = 'dirsync_heartbeat';
const HEARTBEAT_EVERY_MS = 1000;
/** No heartbeat back for this long: notifications are not flowing (a pooler eating them, a dead socket). */
const HEARTBEAT_LAPSE_MS = 3000;

export interface ChangeSubscriber {
  /** A notification arrived on `channel`. */
  onChange(channel: ChangeChannel, payload: string): void;
  /**
   * The listener (re)connected: notifications sent while it was down were missed,
   * so whatever was cached from PostgreSQL must be reloaded or dropped.
   */
  onResync(): void;
}

/**
 * One dedicated PostgreSQL connection per web process that LISTENs to change
 * notifications. While it is not connected, `live` is false and caches built on
 * it must not be trusted (callers fall back to reading PostgreSQL every time).
 * It reconnects forever with a capped backoff.
 */
export class ChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private subscribers: ChangeSubscriber[] = [];
  private connected = false;
  private lastHeartbeat = 0;
  private lapsed = true;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly nonce = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  /**
   * @param ping sends `pg_notify(channel, payload)` through another connection (the pool):
   *   a heartbeat that must come back on this listener, or the caches stop trusting it.
   *   Without `ping`, a connected listener counts as live.
   */
  constructor(
    private readonly config: Pick<Config, 'databaseUrl' | 'databaseSsl'>,
    private readonly log: Logger,
    private readonly ping?: (channel: string, payload: string) => Promise<unknown>,
  ) {}

  /**
   * True while notifications demonstrably flow: LISTEN is active and (with a heartbeat)
   * one came back within the last few seconds. Caches built on this listener are used
   * only while it is true.
   */
  get live(): boolean {
    if (!this.connected) return false;
    if (!this.ping) return true;
    return Date.now() - this.lastHeartbeat < HEARTBEAT_LAPSE_MS;
  }

  subscribe(s: ChangeSubscriber): void {
    this.subscribers.push(s);
  }

  /** Connects once; resolves when LISTEN is active or after the first failure (it keeps retrying). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      ssl: this.config.databaseSsl ? { rejectUnauthorized: false } : false,
      application_name: 'dirsync-listener',
      keepAlive: true,
    });
    const lost = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.connected = false;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        this.log.warn({ reason }, 'change listener lost its connection; caches bypassed until it is back');
        this.scheduleReconnect();
      }
    };
    client.on('error', (err: Error) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (n) => {
      if (n.channel === HEARTBEAT) {
        if (n.payload === this.nonce) this.heartbeatArrived();
        return;
      }
      if (!n.payload || !(CHANNELS as readonly string[]).includes(n.channel)) return;
      for (const s of this.subscribers) s.onChange(n.channel as ChangeChannel, n.payload);
    });
    try {
      await client.connect();
      this.client = client;
      for (const channel of [...CHANNELS, HEARTBEAT]) await client.query(`LISTEN ${channel}`);
      this.attempts = 0;
      // Resync before going live: anything committed while we were away is reloaded.
      for (const s of this.subscribers) s.onResync();
      this.lapsed = false;
      this.lastHeartbeat = Date.now();
      this.connected = true;
      this.startHeartbeat();
    } catch (err) {
      this.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'change listener could not connect; retrying');
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private startHeartbeat(): void {
    if (!this.ping || this.heartbeatTimer) return;
    const beat = () => {
      if (this.stopped) return;
      if (this.connected && !this.lapsed && Date.now() - this.lastHeartbeat >= HEARTBEAT_LAPSE_MS) {
        this.lapsed = true;
        this.log.warn({ lapseMs: HEARTBEAT_LAPSE_MS }, 'change notifications stopped arriving; caches bypassed until they do');
      }
      this.ping?.(HEARTBEAT, this.nonce).catch(() => undefined);
    };
    this.heartbeatTimer = setInterval(beat, HEARTBEAT_EVERY_MS);
    this.heartbeatTimer.unref();
  }

  private heartbeatArrived(): void {
    if (this.lapsed || Date.now() - this.lastHeartbeat >= HEARTBEAT_LAPSE_MS) {
      // Notifications were lost while they did not flow: start the caches over.
      for (const s of this.subscribers) s.onResync();
      this.lapsed = false;
      this.log.info('change notifications flowing again');
    }
    this.lastHeartbeat = Date.now();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(5000, 100 * 2 ** this.attempts++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.connected = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
