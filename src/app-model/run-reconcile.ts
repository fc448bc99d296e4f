import type { Db } from '../store/db';
import { DirectoryStore } from '../store/directory-store';
import { ReconcileReportStore, type ReconcileReport } from './reconcile-report-store';
import { reconcileDirectory } from './reconcile-directory';

/** Reconciles one directory and stores the report (used by the job, the API and the CLI). */
export async function runReconcile(db: Db, directoryId: string, repair: boolean, trigger: ReconcileReport['trigger']): Promise<ReconcileReport> {
  const startedAt = new Date();
  const dir = await new DirectoryStore(db).find(directoryId);
  if (!dir) throw new Error(`directory ${directoryId} not found`);
  const report = await reconcileDirectory(db, directoryId, repair);
  return new ReconcileReportStore(db).insert({ organizationId: dir.organizationId, directoryId, trigger, repair, report, startedAt });
}
