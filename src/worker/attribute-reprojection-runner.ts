import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { CommittedEvent } from '../events/event-types';
import { reprojectNextBatch } from '../app-model/reproject-attributes';

export interface ReprojectionRunnerSettings {
  publicUrl: string;
  /** Users per transaction (DELIVERY_BATCH_SIZE). */
  batchSize: number;
  /** Pause between two batches (ms): a 100k-user re-projection yields to SCIM writes and drains. */
  pauseMs: number;
}

/**
 * Drives re-projections after attribute mapping changes (docs/app-user-model.md,
 * "Re-projection") in a worker process: every `intervalMs` it runs batches
 * (reproject-attributes.ts, one bounded transaction each, SKIP LOCKED per
 * organization so several workers share the work) until no organization has one
 * running, and wakes the outbox drainer for the directories that got events. Progress
 * lives in PostgreSQL (`attribute_reprojections`); a restart resumes from the last
 * committed batch. A plain timer, like the retention pruner: no Redis involved.
 */
export class AttributeReprojectionRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly settings: ReprojectionRunnerSettings,
    private readonly log: Logger,
    private readonly onCommitted: (events: CommittedEvent[]) => Promise<void>,
  ) {}

  start(intervalMs: number): void {
    const schedule = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.runOnce()
          .catch((err: unknown) => this.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'attribute re-projection batch failed; the next run retries'))
          .finally(schedule);
      }, intervalMs);
      this.timer.unref();
    };
    schedule();
  }

  /** Runs batches until none is left (or the runner stops); returns the users written. Concurrent calls share one run. */
  runOnce(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<number> {
    let written = 0;
    while (!this.stopped) {
      const batch = await reprojectNextBatch(this.db, this.settings.publicUrl, this.settings.batchSize);
      if (!batch) break;
      written += batch.written;
      if (batch.committed.length) await this.onCommitted(batch.committed);
      if (batch.finished) this.log.info({ organizationId: batch.organizationId }, 'attribute re-projection finished');
      if (this.settings.pauseMs > 0) await new Promise((r) => setTimeout(r, this.settings.pauseMs));
    }
    return written;
  }
}
