import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Koa from 'koa';
import getRawBody from 'raw-body';
import pg from 'pg';

/**
 * The no-queue ceiling: a minimal Koa + pg server answering Okta's import pair
 * (userName lookup, POST /Users) and its steady-state mix (GET + PUT a user,
 * PATCH active, PATCH group members add/remove) straight from PostgreSQL, on
 * its own tables with the same columns and the same unique index as `users`.
 * No queue, no operation record, no outbox, no validation beyond the minimum:
 * what dirsync's guarantees cost is the gap between the two.
 *
 * Env: BASELINE_DATABASE_URL, BASELINE_PORT, BASELINE_TOKEN, BASELINE_POOL_MAX (default 10).
 */
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const pool = new pg.Pool({ connectionString: env('BASELINE_DATABASE_URL'), max: Number(process.env['BASELINE_POOL_MAX'] ?? 10) });
const tokenHash = createHash('sha256').update(env('BASELINE_TOKEN')).digest();
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Row {
  id: string;
  user_name: string;
  doc: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

async function createTable(): Promise<void> {
  await pool.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    directory_id uuid NOT NULL,
    seq bigserial,
    user_name text NOT NULL,
    external_id text,
    display_name text,
    active boolean NOT NULL DEFAULT true,
    primary_email text,
    doc jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query('CREATE UNIQUE INDEX IF NOT EXISTS baseline_users_directory_user_name_uq ON baseline_users (directory_id, lower(user_name))');
  await pool.query('CREATE INDEX IF NOT EXISTS baseline_users_directory_seq_ix ON baseline_users (directory_id, seq)');
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_groups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    directory_id uuid NOT NULL,
    display_name text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_group_members (
    group_id uuid NOT NULL REFERENCES baseline_groups(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES baseline_users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id))`);
}

async function readBody(ctx: Koa.Context): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse((await getRawBody(ctx.req, { limit: 1024 * 1024 })).toString('utf8')) as Record<string, unknown>;
  } catch {
    error(ctx, 400, 'bad JSON', 'invalidSyntax');
    return undefined;
  }
}

function columns(doc: Record<string, unknown>): unknown[] {
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as { value?: unknown; primary?: unknown }[]) : [];
  const email = emails.find((e) => e.primary)?.value ?? emails[0]?.value;
  return [doc['userName'], doc['externalId'] ?? null, doc['displayName'] ?? null, doc['active'] !== false, typeof email === 'string' ? email : null];
}

type PatchOp = { op?: string; path?: string; value?: unknown };

/** The steady-state mix: one user by id (GET, PUT, PATCH active) and group member PATCHes. */
async function byId(ctx: Koa.Context, directoryId: string, kind: string, id: string, base: string): Promise<void> {
  if (kind === 'Users' && ctx.method === 'GET') {
    const { rows } = await pool.query<Row>('SELECT * FROM baseline_users WHERE directory_id = $1 AND id = $2', [directoryId, id]);
    if (!rows[0]) return error(ctx, 404, 'not found');
    ctx.type = 'application/scim+json';
    ctx.body = render(rows[0], base);
    return;
  }
  const body = await readBody(ctx);
  if (!body) return;
  if (kind === 'Users' && ctx.method === 'PUT') {
    const { password: _p, id: _i, meta: _m, groups: _g, ...doc } = body;
    const { rows } = await pool.query<Row>(
      `UPDATE baseline_users SET user_name = $3, external_id = $4, display_name = $5, active = $6, primary_email = $7, doc = $8, version = version + 1, updated_at = now()
        WHERE directory_id = $1 AND id = $2 RETURNING *`,
      [directoryId, id, ...columns(doc), doc],
    );
    if (!rows[0]) return error(ctx, 404, 'not found');
    ctx.type = 'application/scim+json';
    ctx.body = render(rows[0], base);
    return;
  }
  const ops = Array.isArray(body['Operations']) ? (body['Operations'] as PatchOp[]) : [];
  if (kind === 'Users' && ctx.method === 'PATCH') {
    const active = ops.map((o) => (o.value as { active?: unknown } | undefined)?.active).find((a) => typeof a === 'boolean');
    const { rows } = await pool.query<Row>(
      `UPDATE baseline_users SET active = coalesce($3, active), doc = jsonb_set(doc, '{active}', to_jsonb(coalesce($3, active))), version = version + 1, updated_at = now()
        WHERE directory_id = $1 AND id = $2 RETURNING *`,
      [directoryId, id, active ?? null],
    );
    if (!rows[0]) return error(ctx, 404, 'not found');
    ctx.type = 'application/scim+json';
    ctx.body = render(rows[0], base);
    return;
  }
  if (kind === 'Groups' && ctx.method === 'PATCH') {
    const add = ops.filter((o) => o.op?.toLowerCase() === 'add' && o.path === 'members').flatMap((o) => (Array.isArray(o.value) ? (o.value as { value: string }[]).map((m) => m.value) : []));
    const remove = ops.flatMap((o) => (o.op?.toLowerCase() === 'remove' ? [/^members\[value eq "(.+)"\]$/.exec(o.path ?? '')?.[1]].filter((v): v is string => !!v) : []));
    if (add.length) await pool.query('INSERT INTO baseline_group_members (group_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [id, add]);
    if (remove.length) await pool.query('DELETE FROM baseline_group_members WHERE group_id = $1 AND user_id = ANY($2::uuid[])', [id, remove]);
    await pool.query('UPDATE baseline_groups SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
    ctx.status = 204;
    return;
  }
  error(ctx, 405, 'method not allowed');
}

function render(r: Row, base: string): Record<string, unknown> {
  return { ...r.doc, schemas: [USER_SCHEMA], id: r.id, meta: { resourceType: 'User', created: r.created_at.toISOString(), lastModified: r.updated_at.toISOString(), location: `${base}/Users/${r.id}`, version: `W/"${r.version}"` } };
}

function error(ctx: Koa.Context, status: number, detail: string, scimType?: string): void {
  ctx.status = status;
  ctx.type = 'application/scim+json';
  ctx.body = { schemas: [ERROR_SCHEMA], status: String(status), detail, ...(scimType ? { scimType } : {}) };
}

const app = new Koa();
app.use(async (ctx) => {
  const m = /^\/scim\/v2\/([0-9a-f-]{36})\/(Users|Groups)(?:\/([0-9a-f-]{36}))?$/.exec(ctx.path);
  if (!m?.[1] || !m[2]) return error(ctx, 404, 'not found');
  const directoryId = m[1];
  const presented = createHash('sha256').update((/^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1]) ?? '').digest();
  if (!timingSafeEqual(presented, tokenHash)) return error(ctx, 401, 'unauthorized');
  const base = `http://${ctx.host}/scim/v2/${directoryId}`;
  if (m[3]) return byId(ctx, directoryId, m[2], m[3], base);
  if (m[2] === 'Groups') {
    if (ctx.method === 'GET') {
      ctx.type = 'application/scim+json';
      ctx.body = { schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };
      return;
    }
    const body = await readBody(ctx);
    if (!body) return;
    const { rows } = await pool.query<{ id: string }>('INSERT INTO baseline_groups (directory_id, display_name) VALUES ($1, $2) RETURNING id', [directoryId, String(body['displayName'] ?? '')]);
    ctx.status = 201;
    ctx.type = 'application/scim+json';
    ctx.body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: rows[0]?.id, displayName: body['displayName'], members: [] };
    return;
  }
  if (ctx.method === 'GET') {
    const filter = /^userName eq "(.*)"$/.exec(String(ctx.query['filter'] ?? ''));
    const { rows } = filter?.[1] !== undefined
      ? await pool.query<Row>('SELECT * FROM baseline_users WHERE directory_id = $1 AND lower(user_name) = lower($2) ORDER BY seq LIMIT 100', [directoryId, filter[1]])
      : await pool.query<Row>('SELECT * FROM baseline_users WHERE directory_id = $1 ORDER BY seq LIMIT 100', [directoryId]);
    ctx.type = 'application/scim+json';
    ctx.body = { schemas: [LIST_SCHEMA], totalResults: rows.length, startIndex: 1, itemsPerPage: rows.length, Resources: rows.map((r) => render(r, base)) };
    return;
  }
  if (ctx.method !== 'POST') return error(ctx, 405, 'method not allowed');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await getRawBody(ctx.req, { limit: 1024 * 1024 })).toString('utf8')) as Record<string, unknown>;
  } catch {
    return error(ctx, 400, 'bad JSON', 'invalidSyntax');
  }
  const userName = body['userName'];
  if (typeof userName !== 'string' || !userName) return error(ctx, 400, 'userName required', 'invalidValue');
  const { password: _password, groups: _groups, id: _id, meta: _meta, ...doc } = body;
  const emails = Array.isArray(doc['emails']) ? (doc['emails'] as { value?: unknown; primary?: unknown }[]) : [];
  const email = emails.find((e) => e.primary)?.value ?? emails[0]?.value;
  const { rows } = await pool.query<Row>(
    `INSERT INTO baseline_users (directory_id, user_name, external_id, display_name, active, primary_email, doc)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (directory_id, lower(user_name)) DO NOTHING RETURNING *`,
    [directoryId, userName, doc['externalId'] ?? null, doc['displayName'] ?? null, doc['active'] !== false, typeof email === 'string' ? email : null, doc],
  );
  const row = rows[0];
  if (!row) return error(ctx, 409, 'A user with this userName already exists', 'uniqueness');
  ctx.status = 201;
  ctx.type = 'application/scim+json';
  ctx.set('Location', `${base}/Users/${row.id}`);
  ctx.body = render(row, base);
});

async function main(): Promise<void> {
  await createTable();
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 95_000;
  server.listen(Number(env('BASELINE_PORT')), '127.0.0.1', () => process.stdout.write('baseline listening\n'));
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`baseline: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
