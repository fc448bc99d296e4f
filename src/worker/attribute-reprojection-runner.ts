import type { Logger } from 'pino';
import { PeriodicJob } from '../ops/periodic-job';
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
export class AttributeReprojectionRunner extends PeriodicJob<number> {
  constructor(
    private readonly db: Db,
    private readonly settings: ReprojectionRunnerSettings,
    log: Logger,
    private readonly onCommitted: (events: CommittedEvent[]) => Promise<void>,
  ) {
    super(log, 'attribute re-projection batch failed; the next run retries');
  }

  /** Runs batches until none is left (or the runner stops); returns the users written. */
  protected async run(): Promise<number> {
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
