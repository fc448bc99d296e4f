import { isUuid } from '../common/uuid';
import type { Db } from './db';
import { announceAuthChange } from './auth-changes';

export interface Organization {
  id: string;
  name: string;
  directorySyncEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface OrganizationRow {
  id: string;
  name: string;
  directory_sync_enabled: boolean;
  created_at: Date;
  updated_at: Date;
}


function toOrganization(r: OrganizationRow): Organization {
  return { id: r.id, name: r.name, directorySyncEnabled: r.directory_sync_enabled, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Organizations: the app's customers. */
export class OrganizationStore {
  constructor(private readonly db: Db) {}

  async create(name: string, directorySyncEnabled = false): Promise<Organization> {
    const [row] = await this.db<OrganizationRow>('organizations')
      .insert({ name, directory_sync_enabled: directorySyncEnabled })
      .returning('*');
    return toOrganization(row as OrganizationRow);
  }

  /** Finds by id, or by case-insensitive name. */
  async find(idOrName: string): Promise<Organization | undefined> {
    const q = this.db<OrganizationRow>('organizations');
    const row = isUuid(idOrName)
      ? await q.where({ id: idOrName }).first()
      : await q.whereRaw('lower(name) = lower(?)', [idOrName]).first();
    return row ? toOrganization(row) : undefined;
  }

  async list(): Promise<Organization[]> {
    const rows = await this.db<OrganizationRow>('organizations').orderBy('created_at');
    return rows.map(toOrganization);
  }

  async update(id: string, patch: { name?: string; directorySyncEnabled?: boolean }): Promise<Organization | undefined> {
    const changes: Partial<OrganizationRow> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.directorySyncEnabled !== undefined) changes.directory_sync_enabled = patch.directorySyncEnabled;
    const [row] = await this.db<OrganizationRow>('organizations')
      .where({ id })
      .update({ ...changes, updated_at: this.db.fn.now() as unknown as Date })
      .returning('*');
    if (patch.directorySyncEnabled !== undefined) announceAuthChange(`org:${id}`);
    return row ? toOrganization(row as OrganizationRow) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.db('organizations').where({ id }).delete()) > 0;
    announceAuthChange(`org:${id}`);
    return deleted;
  }
}
