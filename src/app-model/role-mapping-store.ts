import type { Db } from '../store/db';
import { isUuid } from '../common/uuid';

export interface RoleMapping {
  id: string;
  organizationId: string;
  groupName: string;
  role: string;
  createdAt: Date;
}

interface Row {
  id: string;
  organization_id: string;
  group_name: string;
  role: string;
  created_at: Date;
}

const toMapping = (r: Row): RoleMapping => ({ id: r.id, organizationId: r.organization_id, groupName: r.group_name, role: r.role, createdAt: r.created_at });

/** Directory group name (case-insensitive) → app role, per organization. */
export class RoleMappingStore {
  constructor(private readonly db: Db) {}

  async list(organizationId: string): Promise<RoleMapping[]> {
    const rows: Row[] = await this.db('role_mappings').where({ organization_id: organizationId }).orderBy(['group_name', 'role']);
    return rows.map(toMapping);
  }

  /** Adds a mapping; an existing identical one is returned as is. */
  async add(organizationId: string, groupName: string, role: string): Promise<RoleMapping> {
    await this.db.raw(`INSERT INTO role_mappings (organization_id, group_name, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [organizationId, groupName, role]);
    const row: Row = await this.db('role_mappings').where({ organization_id: organizationId, role }).whereRaw('lower(group_name) = lower(?)', [groupName]).first();
    return toMapping(row);
  }

  /** Removes by id, or by (group name, role). Returns how many were removed. */
  async remove(organizationId: string, by: { id: string } | { groupName: string; role: string }): Promise<number> {
    const q = this.db('role_mappings').where({ organization_id: organizationId });
    if ('id' in by) {
      if (!isUuid(by.id)) return 0;
      void q.where({ id: by.id });
    } else void q.where({ role: by.role }).whereRaw('lower(group_name) = lower(?)', [by.groupName]);
    return q.delete();
  }
}
