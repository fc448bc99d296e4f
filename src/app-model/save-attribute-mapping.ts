import type { Db } from '../store/db';
import { checkMapping, type MappingError } from './attribute-mapping';
import { AttributeMappingStore, type StoredAttributeMapping } from './attribute-mapping-store';
import { AttributeReprojectionStore, type Reprojection } from './attribute-reprojection-store';

export type SaveMappingResult = { ok: true; mapping: StoredAttributeMapping; reprojection: Reprojection } | { ok: false; errors: MappingError[] };

/**
 * Validates and saves an organization's mapping, and (re)starts the re-projection of
 * its users in the same transaction: from the commit on, every user gets a
 * `user.attributes_changed` event through the outbox (reproject-attributes.ts), so
 * every sink sees the new attributes in order. Saving while a re-projection runs
 * restarts it from the first user.
 */
export async function saveAttributeMapping(db: Db, organizationId: string, input: readonly { name: string; path: string }[]): Promise<SaveMappingResult> {
  const checked = checkMapping(input);
  if (!checked.ok) return checked;
  return db.transaction(async (trx) => {
    const mapping = await new AttributeMappingStore(trx).replace(organizationId, checked.entries);
    const reprojection = await new AttributeReprojectionStore(trx).start(organizationId, mapping.revision);
    return { ok: true as const, mapping, reprojection };
  });
}
