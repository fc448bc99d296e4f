import type { Db } from '../store/db';
import { ReconcileReportStore, type ReconcileReport } from './reconcile-report-store';
import { reconcileDirectory } from './reconcile-directory';

/** Reconciles one directory and stores the report (used by the job, the API and the CLI). */
export async function runReconcile(db: Db, directoryId: string, repair: boolean, trigger: ReconcileReport['trigger']): Promise<ReconcileReport> {
  const startedAt = new Date();
  const dir: { organization_id: string } | undefined = await db('directories').where({ id: directoryId }).first('organization_id');
  if (!dir) throw new Error(`directory ${directoryId} not found`);
  const report = await reconcileDirectory(db, directoryId, repair);
  return new ReconcileReportStore(db).insert({ organizationId: dir.organization_id, directoryId, trigger, repair, report, startedAt });
}
