import type { Db } from '../store/db';
import { compileMapping, type AttributeProjector } from './attribute-mapping';
import { AttributeMappingStore } from './attribute-mapping-store';

/** One compiled projector per organization (its saved mapping, else the default with custom extension attributes), read in one query. */
export async function attributeProjectors(db: Db, organizationIds: readonly string[]): Promise<Map<string, AttributeProjector>> {
  const mappings = await new AttributeMappingStore(db).forOrganizations(organizationIds);
  return new Map([...mappings].map(([id, m]) => [id, compileMapping(m.entries, { customExtensions: !m.saved })]));
}
