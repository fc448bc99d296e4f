import type { Db } from '../store/db';
import { DEFAULT_ATTRIBUTE_MAPPING, type AttributeMappingEntry } from './attribute-mapping';

/** An organization's mapping as stored; `saved: false` is the default mapping (nothing saved yet). */
export interface StoredAttributeMapping {
  organizationId: string;
  entries: AttributeMappingEntry[];
  saved: boolean;
  /** Saves so far (0 for the default). */
  revision: number;
  updatedAt: Date | null;
}

interface Row {
  organization_id: string;
  entries: AttributeMappingEntry[];
  revision: number;
  updated_at: Date;
}

const toMapping = (organizationId: string, r: Row | undefined): StoredAttributeMapping =>
  r
    ? { organizationId, entries: r.entries, saved: true, revision: r.revision, updatedAt: r.updated_at }
    : { organizationId, entries: [...DEFAULT_ATTRIBUTE_MAPPING], saved: false, revision: 0, updatedAt: null };

/**
 * The attribute mapping of each organization (`attribute_mappings`: one row per
 * organization that saved one; none means the default enterprise mapping). Built with
 * the knex handle or a transaction.
 */
export class AttributeMappingStore {
  constructor(private readonly db: Db) {}

  /** The organization's mapping, or the default one. */
  async get(organizationId: string): Promise<StoredAttributeMapping> {
    const row: Row | undefined = await this.db('attribute_mappings').where({ organization_id: organizationId }).first();
    return toMapping(organizationId, row);
  }

  /** The mappings of several organizations in one query (delivery and the app model batch read them per batch). */
  async forOrganizations(organizationIds: readonly string[]): Promise<Map<string, StoredAttributeMapping>> {
    const ids = [...new Set(organizationIds)];
    const out = new Map<string, StoredAttributeMapping>();
    if (!ids.length) return out;
    const rows: Row[] = await this.db('attribute_mappings').whereIn('organization_id', ids);
    const byId = new Map(rows.map((r) => [r.organization_id, r]));
    for (const id of ids) out.set(id, toMapping(id, byId.get(id)));
    return out;
  }

  /** Replaces the mapping (entries already validated); returns the new revision. */
  async replace(organizationId: string, entries: readonly AttributeMappingEntry[]): Promise<StoredAttributeMapping> {
    const result = await this.db.raw<{ rows: Row[] }>(
      `INSERT INTO attribute_mappings (organization_id, entries) VALUES (?, CAST(? AS jsonb))
       ON CONFLICT (organization_id) DO UPDATE SET entries = EXCLUDED.entries, revision = attribute_mappings.revision + 1, updated_at = now()
       RETURNING *`,
      [organizationId, JSON.stringify(entries)],
    );
    return toMapping(organizationId, result.rows[0]);
  }
}
