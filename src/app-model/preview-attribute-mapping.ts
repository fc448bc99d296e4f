import type { Db } from '../store/db';
import { compileMapping, type AttributeMappingEntry } from './attribute-mapping';
import { AttributeReprojectionStore } from './attribute-reprojection-store';

export interface PreviewRow {
  directoryUserId: string;
  directoryId: string;
  userName: string;
  /** What the mapping being edited gives this user. */
  attributes: Record<string, unknown>;
}

/** What a mapping (not saved yet) would give a few of the organization's real synced users. */
export async function previewAttributeMapping(db: Db, organizationId: string, entries: readonly AttributeMappingEntry[], limit: number): Promise<PreviewRow[]> {
  const project = compileMapping(entries);
  const users = await new AttributeReprojectionStore(db).sampleUsers(organizationId, limit);
  return users.map((u) => ({ directoryUserId: u.id, directoryId: u.directoryId, userName: typeof u.doc['userName'] === 'string' ? u.doc['userName'] : '', attributes: project(u.doc) }));
}
