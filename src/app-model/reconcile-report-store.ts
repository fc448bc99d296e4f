import type { Db } from '../store/db';
import type { DriftReport } from './reconcile-directory';

export interface ReconcileReport {
  id: string;
  organizationId: string;
  directoryId: string;
  trigger: 'schedule' | 'manual';
  repair: boolean;
  driftCount: number;
  report: DriftReport;
  startedAt: Date;
  finishedAt: Date;
}

interface Row {
  id: string;
  organization_id: string;
  directory_id: string;
  trigger: ReconcileReport['trigger'];
  repair: boolean;
  drift_count: number;
  report: DriftReport;
  started_at: Date;
  finished_at: Date;
}

const toReport = (r: Row): ReconcileReport => ({
  id: r.id,
  organizationId: r.organization_id,
  directoryId: r.directory_id,
  trigger: r.trigger,
  repair: r.repair,
  driftCount: r.drift_count,
  report: r.report,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** Stored drift reports (the newest are what the API, CLI and portal show). */
export class ReconcileReportStore {
  constructor(private readonly db: Db) {}

  async insert(input: { organizationId: string; directoryId: string; trigger: ReconcileReport['trigger']; repair: boolean; report: DriftReport; startedAt: Date }): Promise<ReconcileReport> {
    const [row] = await this.db('reconcile_reports')
      .insert({ organization_id: input.organizationId, directory_id: input.directoryId, trigger: input.trigger, repair: input.repair, drift_count: input.report.driftCount, report: JSON.stringify(input.report), started_at: input.startedAt })
      .returning('*');
    return toReport(row as Row);
  }

  async list(directoryId: string, limit = 20): Promise<ReconcileReport[]> {
    const rows: Row[] = await this.db('reconcile_reports').where({ directory_id: directoryId }).orderBy('finished_at', 'desc').limit(limit);
    return rows.map(toReport);
  }
}
