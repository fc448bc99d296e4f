import type { Knex } from 'knex';
import type { StoredEvent } from '../events/event-types';
import { appUserFields, type AppUserFields } from './app-model-sink';
import { EXPECTED_ROLES_SQL } from './app-model-roles';
import { attributeProjectors } from './attribute-projectors';

type Trx = Knex.Transaction;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Is `a` newer than `b`: by resource version, then by outbox order. */
const newer = (a: { version: number; seq: number }, b: { version: number; seq: number } | undefined): boolean => !b || a.version > b.version || (a.version === b.version && a.seq > b.seq);

interface Scoped {
  organization_id: string;
  directory_id: string;
}
interface UserRow extends AppUserFields, Scoped {
  id: string;
  version: number;
  seq: number;
  deleted: boolean;
}
interface GroupRow extends Scoped {
  id: string;
  name: string;
  external_id: string | null;
  version: number;
  seq: number;
  deleted: boolean;
}
interface MemberRow extends Scoped {
  group_id: string;
  user_id: string;
  present: boolean;
  version: number;
  seq: number;
}

/**
 * Applies a batch of events (each directory's in seq order; several directories and
 * organizations may share one batch) to the app user model
 * with set-based statements: one read of the organizations' attribute mappings (when
 * users change), at most one upsert each for users, groups and
 * memberships, one tombstone update for deleted groups, one role recompute. The
 * batch is first collapsed to the newest state per user, group and membership (the
 * events carry the full state after each change), and every upsert keeps the
 * monotonic rule of the per-event path (app-model-sink.ts): a row changes only when
 * the incoming version is newer, so a replayed or stale batch never makes the model
 * older. Returns the number of statements sent (for docs/benchmarks.md).
 */
export async function applyBatchToAppModel(trx: Trx, events: StoredEvent[]): Promise<number> {
  const users = new Map<string, UserRow>();
  const groups = new Map<string, GroupRow>();
  const members = new Map<string, MemberRow>();
  const deletedGroups = new Map<string, number>();
  const roleUsers = new Set<string>();
  const organizations = new Set<string>();
  const roleGroups = new Set<string>();
  // Attributes are projected with each organization's CURRENT mapping (one query, only when users change).
  const userOrgs = events.filter((e) => e.resourceType === 'user').map((e) => e.organizationId);
  const projectors = userOrgs.length ? await attributeProjectors(trx, userOrgs) : new Map<string, never>();
  let statements = userOrgs.length ? 1 : 0;

  for (const e of events) {
    const seq = e.seq ?? 0;
    const scope: Scoped = { organization_id: e.organizationId, directory_id: e.directoryId };
    organizations.add(e.organizationId);
    const data = e.data as Record<string, Record<string, unknown> | undefined>;
    const putGroup = (g: GroupRow) => {
      if (newer(g, groups.get(g.id))) groups.set(g.id, g);
    };
    switch (e.type) {
      case 'user.created':
      case 'user.updated':
      case 'user.deactivated':
      case 'user.reactivated':
      case 'user.deleted':
      case 'user.attributes_changed': {
        const row: UserRow = { ...scope, id: e.resourceId, version: e.resourceVersion, seq, deleted: e.type === 'user.deleted', ...appUserFields(data['resource'] ?? {}, projectors.get(e.organizationId)) };
        if (newer(row, users.get(row.id))) users.set(row.id, row);
        // A re-projection never changes status or memberships: no role recompute for 100k users.
        if (e.type !== 'user.attributes_changed') roleUsers.add(e.resourceId);
        break;
      }
      case 'group.created':
      case 'group.updated':
      case 'group.deleted': {
        const resource = data['resource'] ?? {};
        const deleted = e.type === 'group.deleted';
        putGroup({ ...scope, id: e.resourceId, name: str(resource['displayName']) ?? '', external_id: str(resource['externalId']), version: e.resourceVersion, seq, deleted });
        if (deleted) deletedGroups.set(e.resourceId, Math.max(e.resourceVersion, deletedGroups.get(e.resourceId) ?? 0));
        // A rename can change the roles of every member (mappings are by group name).
        roleGroups.add(e.resourceId);
        break;
      }
      case 'group.user_added':
      case 'group.user_removed': {
        const userId = str(data['user']?.['id']);
        if (!userId) break;
        const group = data['group'] ?? {};
        putGroup({ ...scope, id: e.resourceId, name: str(group['displayName']) ?? '', external_id: str(group['externalId']), version: e.resourceVersion, seq, deleted: false });
        const m: MemberRow = { ...scope, group_id: e.resourceId, user_id: userId, present: e.type === 'group.user_added', version: e.resourceVersion, seq };
        const key = `${m.group_id}/${m.user_id}`;
        if (newer(m, members.get(key))) members.set(key, m);
        roleUsers.add(userId);
        break;
      }
      case 'directory.enabled':
      case 'directory.disabled':
        // The app model keeps users as they are; apps that care read the event (webhooks, events API).
        break;
    }
  }

  if (users.size) {
    statements++;
    // A newer version replaces the row; the same version (a re-projection after a
    // mapping change, or a replay) may change `attributes` only.
    await trx.raw(
      `INSERT INTO app_users (directory_user_id, organization_id, directory_id, user_name, email, given_name, family_name, display_name, external_id, status, version, deleted_at, roles, attributes)
       SELECT x.id, x.organization_id, x.directory_id, x.user_name, x.email, x.given_name, x.family_name, x.display_name, x.external_id, x.status, x.version, CASE WHEN x.deleted THEN now() END, '{}', COALESCE(x.attributes, '{}'::jsonb)
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id uuid, organization_id uuid, directory_id uuid, user_name text, email text, given_name text, family_name text, display_name text, external_id text, status text, version int, deleted boolean, attributes jsonb)
       ON CONFLICT (directory_user_id) DO UPDATE SET
         user_name = EXCLUDED.user_name, email = EXCLUDED.email, given_name = EXCLUDED.given_name,
         family_name = EXCLUDED.family_name, display_name = EXCLUDED.display_name, external_id = EXCLUDED.external_id,
         status = EXCLUDED.status, version = EXCLUDED.version,
         deleted_at = CASE WHEN app_users.version = EXCLUDED.version THEN app_users.deleted_at ELSE EXCLUDED.deleted_at END,
         attributes = EXCLUDED.attributes, updated_at = now()
       WHERE app_users.version < EXCLUDED.version
          OR (app_users.version = EXCLUDED.version AND app_users.attributes IS DISTINCT FROM EXCLUDED.attributes)`,
      { rows: JSON.stringify([...users.values()]) },
    );
  }
  if (groups.size) {
    statements++;
    await trx.raw(
      `INSERT INTO app_groups (directory_group_id, organization_id, directory_id, name, external_id, version, deleted_at)
       SELECT x.id, x.organization_id, x.directory_id, x.name, x.external_id, x.version, CASE WHEN x.deleted THEN now() END
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id uuid, organization_id uuid, directory_id uuid, name text, external_id text, version int, deleted boolean)
       ON CONFLICT (directory_group_id) DO UPDATE SET
         name = EXCLUDED.name, external_id = EXCLUDED.external_id, version = EXCLUDED.version, deleted_at = EXCLUDED.deleted_at, updated_at = now()
       WHERE app_groups.version < EXCLUDED.version`,
      { rows: JSON.stringify([...groups.values()]) },
    );
  }
  if (members.size) {
    statements++;
    await trx.raw(
      `INSERT INTO app_memberships (directory_group_id, directory_user_id, organization_id, directory_id, present, version)
       SELECT x.group_id, x.user_id, x.organization_id, x.directory_id, x.present, x.version
         FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(group_id uuid, user_id uuid, organization_id uuid, directory_id uuid, present boolean, version int)
       ON CONFLICT (directory_group_id, directory_user_id) DO UPDATE SET present = EXCLUDED.present, version = EXCLUDED.version, updated_at = now()
       WHERE app_memberships.version < EXCLUDED.version`,
      { rows: JSON.stringify([...members.values()]) },
    );
  }
  if (deletedGroups.size) {
    // After the membership upsert: a deleted group keeps no present membership of an older version.
    statements++;
    await trx.raw(
      `UPDATE app_memberships m SET present = false, version = x.version, updated_at = now()
         FROM unnest(CAST(:ids AS uuid[]), CAST(:versions AS int[])) AS x(id, version)
        WHERE m.directory_group_id = x.id AND m.version < x.version`,
      { ids: [...deletedGroups.keys()], versions: [...deletedGroups.values()] },
    );
  }
  if (roleUsers.size || roleGroups.size) {
    statements++;
    await recomputeRolesOf(trx, [...organizations], [...roleUsers], [...roleGroups]);
  }
  return statements;
}


/** One role recompute for some users and every member (directory or app side) of some groups. */
async function recomputeRolesOf(trx: Trx, organizationIds: string[], userIds: string[], groupIds: string[]): Promise<void> {
  const expr = EXPECTED_ROLES_SQL.replace('%USER%', 'au.directory_user_id');
  await trx.raw(
    `UPDATE app_users au
        SET roles = CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END,
            updated_at = now()
      WHERE au.organization_id = ANY(CAST(:orgs AS uuid[]))
        AND au.directory_user_id IN (
              SELECT unnest(CAST(:users AS uuid[]))
              UNION SELECT user_id FROM group_members WHERE group_id = ANY(CAST(:groups AS uuid[]))
              UNION SELECT directory_user_id FROM app_memberships WHERE directory_group_id = ANY(CAST(:groups AS uuid[])))
        -- No role mapping in the organization: every expected role set is empty, so only
        -- users still holding roles need the (per-user) computation. An import skips it.
        AND (au.roles <> '{}' OR EXISTS (SELECT 1 FROM role_mappings rm WHERE rm.organization_id = au.organization_id))
        AND au.roles IS DISTINCT FROM (CASE WHEN au.status = 'active' AND au.deleted_at IS NULL THEN ${expr} ELSE '{}'::text[] END)`,
    { orgs: organizationIds, users: userIds, groups: groupIds },
  );
}
