import type { Logger } from 'pino';

/**
 * A job a process runs on a plain timer (no Redis): every `intervalMs` after the
 * previous run ended, the first time after `firstDelayMs`. Runs never overlap:
 * `runOnce()` called while one is running returns that run. `close()` stops the timer
 * and waits for a running run; `stopped` tells a run to end after its current step.
 * A failed run is logged (`failureMessage`) and the next one retries.
 */
export abstract class PeriodicJob<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  protected stopped = false;

  protected constructor(
    protected readonly log: Logger,
    private readonly failureMessage: string,
  ) {}

  /** One run: what the timer calls (and tests call through runOnce). */
  protected abstract run(): Promise<T>;

  start(intervalMs: number, firstDelayMs = intervalMs): void {
    const schedule = (delay: number): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch((err: unknown) => this.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, this.failureMessage))
          .finally(() => schedule(intervalMs));
      }, delay);
      this.timer.unref();
    };
    schedule(firstDelayMs);
  }

  /** One run now; concurrent calls share one run. */
  runOnce(): Promise<T> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer; a running run ends after its current step. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
