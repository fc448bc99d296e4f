import type { Db } from '../store/db';

/** Progress of an organization's re-projection after a mapping change. */
export interface Reprojection {
  organizationId: string;
  status: 'running' | 'done';
  revision: number;
  done: number;
  total: number;
  startedAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** Where a running re-projection stands: after this (directory, user seq), in that order. */
export interface ReprojectionJob extends Reprojection {
  after: { directoryId: string; seq: number } | null;
}

/** A directory user as the re-projection and the preview read it. */
export interface DirectoryUserRow {
  id: string;
  directoryId: string;
  seq: number;
  doc: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  organization_id: string;
  status: 'running' | 'done';
  revision: number;
  after_directory_id: string | null;
  after_seq: number | null;
  done: number;
  total: number;
  started_at: Date;
  finished_at: Date | null;
  updated_at: Date;
}

const toJob = (r: Row): ReprojectionJob => ({
  organizationId: r.organization_id,
  status: r.status,
  revision: r.revision,
  done: r.done,
  total: r.total,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
  after: r.after_directory_id && r.after_seq !== null ? { directoryId: r.after_directory_id, seq: Number(r.after_seq) } : null,
});

interface UserSqlRow {
  id: string;
  directory_id: string;
  seq: number;
  doc: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}
const toUser = (r: UserSqlRow): DirectoryUserRow => ({ id: r.id, directoryId: r.directory_id, seq: Number(r.seq), doc: r.doc, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at });

/**
 * `attribute_reprojections`: one row per organization whose mapping changed, with a
 * keyset position over its directories' users by (directory_id, seq) (the
 * `users_directory_seq_ix` index), so each batch is one bounded index range read.
 * Also reads the directory users the re-projection and the portal preview need.
 */
export class AttributeReprojectionStore {
  constructor(private readonly db: Db) {}

  /** (Re)starts the organization's re-projection from its first user (in the mapping save's transaction). */
  async start(organizationId: string, revision: number): Promise<Reprojection> {
    const result = await this.db.raw<{ rows: Row[] }>(
      `INSERT INTO attribute_reprojections (organization_id, status, revision, after_directory_id, after_seq, done, total, started_at, finished_at, updated_at)
       SELECT ?, 'running', ?, NULL, NULL, 0,
              (SELECT count(*) FROM users u JOIN directories d ON d.id = u.directory_id WHERE d.organization_id = ?), now(), NULL, now()
       ON CONFLICT (organization_id) DO UPDATE SET status = 'running', revision = EXCLUDED.revision, after_directory_id = NULL, after_seq = NULL,
              done = 0, total = EXCLUDED.total, started_at = now(), finished_at = NULL, updated_at = now()
       RETURNING *`,
      [organizationId, revision, organizationId],
    );
    return toJob(result.rows[0] as Row);
  }

  async find(organizationId: string): Promise<Reprojection | undefined> {
    const row: Row | undefined = await this.db('attribute_reprojections').where({ organization_id: organizationId }).first();
    return row ? toJob(row) : undefined;
  }

  /** Locks the running re-projection that waited longest (SKIP LOCKED: one worker per organization at a time). Caller's transaction. */
  async claim(): Promise<ReprojectionJob | undefined> {
    const result = await this.db.raw<{ rows: Row[] }>(
      `SELECT * FROM attribute_reprojections WHERE status = 'running' ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    const row = result.rows[0];
    return row ? toJob(row) : undefined;
  }

  /** The next `limit` users of the organization's directories after `after`, in (directory_id, seq) order. */
  async usersAfter(organizationId: string, after: ReprojectionJob['after'], limit: number): Promise<DirectoryUserRow[]> {
    const result = await this.db.raw<{ rows: UserSqlRow[] }>(
      `SELECT u.id, u.directory_id, u.seq, u.doc, u.version, u.created_at, u.updated_at
         FROM users u
        WHERE u.directory_id IN (SELECT id FROM directories WHERE organization_id = ?)
          ${after ? 'AND (u.directory_id, u.seq) > (CAST(? AS uuid), CAST(? AS bigint))' : ''}
        ORDER BY u.directory_id, u.seq
        LIMIT ?`,
      after ? [organizationId, after.directoryId, after.seq, limit] : [organizationId, limit],
    );
    return result.rows.map(toUser);
  }

  /** Records a batch: the new position and count; `finished` ends the run. */
  async advance(organizationId: string, after: ReprojectionJob['after'], processed: number, finished: boolean): Promise<void> {
    await this.db('attribute_reprojections')
      .where({ organization_id: organizationId })
      .update({
        after_directory_id: after?.directoryId ?? null,
        after_seq: after?.seq ?? null,
        done: this.db.raw('done + ?', [processed]),
        // Users created meanwhile are counted as they are reached.
        total: this.db.raw('GREATEST(total, done + ?)', [processed]),
        status: finished ? 'done' : 'running',
        finished_at: finished ? this.db.fn.now() : null,
        updated_at: this.db.fn.now(),
      });
  }

  /** A few users of the organization's directories, the newest first (each directory's newest by its index, then merged), for the mapping preview. */
  async sampleUsers(organizationId: string, limit: number): Promise<DirectoryUserRow[]> {
    const result = await this.db.raw<{ rows: UserSqlRow[] }>(
      `SELECT u.id, u.directory_id, u.seq, u.doc, u.version, u.created_at, u.updated_at
         FROM directories d
         CROSS JOIN LATERAL (SELECT * FROM users u WHERE u.directory_id = d.id ORDER BY u.seq DESC LIMIT ?) u
        WHERE d.organization_id = ?
        ORDER BY u.seq DESC
        LIMIT ?`,
      [limit, organizationId, limit],
    );
    return result.rows.map(toUser);
  }
}
