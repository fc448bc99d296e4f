import type { Db } from '../store/db';
import { OrganizationStore } from '../store/organization-store';
import { DirectoryStore } from '../store/directory-store';
import { scimBaseUrl } from '../common/scim-base-url';

export const DEMO_ORGANIZATION = 'Demo Organization';

export interface DemoDirectory {
  organizationId: string;
  organizationName: string;
  directoryId: string;
  scimBaseUrl: string;
  /** Only on the start that created the directory. */
  token?: string;
}

/** Creates the demo organization (Directory Sync enabled) and its Okta directory once. */
export async function ensureDemoDirectory(db: Db, publicUrl: string): Promise<DemoDirectory> {
  const orgs = new OrganizationStore(db);
  const dirs = new DirectoryStore(db);
  const org = (await orgs.find(DEMO_ORGANIZATION)) ?? (await orgs.create(DEMO_ORGANIZATION, true));
  const existing = (await dirs.list(org.id)).find((d) => d.provider === 'okta');
  const base = { organizationId: org.id, organizationName: org.name };
  if (existing) return { ...base, directoryId: existing.id, scimBaseUrl: scimBaseUrl(publicUrl, existing.id) };
  const { directory, token } = await dirs.create(org.id, 'okta');
  return { ...base, directoryId: directory.id, scimBaseUrl: scimBaseUrl(publicUrl, directory.id), token };
}
