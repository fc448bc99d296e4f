import type pg from 'pg';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * Seeds `count` users into a directory in one INSERT … SELECT FROM
 * generate_series, with the columns and the doc shape the worker writes for
 * Okta's create body (what parseUserInput keeps: no password, no groups).
 * Batches of 25k keep each statement's memory small.
 */
export async function seedUsers(pool: pg.Pool, directoryId: string, count: number, prefix = 'big'): Promise<void> {
  for (let from = 1; from <= count; from += 25_000) {
    const to = Math.min(count, from + 24_999);
    await pool.query(
      `INSERT INTO users (directory_id, user_name, external_id, display_name, active, primary_email, doc)
       SELECT $1::uuid, n.user_name, n.external_id, 'Big ' || g, true, n.user_name,
              jsonb_build_object(
                'userName', n.user_name,
                'name', jsonb_build_object('givenName', 'Big', 'familyName', g::text),
                'emails', jsonb_build_array(jsonb_build_object('primary', true, 'value', n.user_name, 'type', 'work')),
                'displayName', 'Big ' || g,
                'locale', 'en-US',
                'externalId', n.external_id,
                'active', true,
                'schemas', jsonb_build_array($4::text))
       FROM generate_series($2::int, $3::int) AS g,
            LATERAL (SELECT $5::text || g || '@bench.example.com' AS user_name, '00u' || $5::text || g AS external_id) AS n
       ORDER BY g`,
      [directoryId, from, to, USER_SCHEMA, prefix],
    );
  }
  await pool.query('ANALYZE users');
}

/** A group whose members are the first `members` users of the directory (by seq); returns its id. */
export async function seedGroup(pool: pg.Pool, directoryId: string, displayName: string, members: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO groups (directory_id, display_name, doc) VALUES ($1, $2, jsonb_build_object('displayName', $2::text, 'schemas', jsonb_build_array($3::text))) RETURNING id`,
    [directoryId, displayName, GROUP_SCHEMA],
  );
  const groupId = rows[0]?.id;
  if (!groupId) throw new Error('group insert returned no id');
  await pool.query(
    `INSERT INTO group_members (directory_id, group_id, user_id)
     SELECT $1, $2, id FROM users WHERE directory_id = $1 ORDER BY seq LIMIT $3`,
    [directoryId, groupId, members],
  );
  await pool.query('ANALYZE group_members');
  return groupId;
}

/** User ids of a directory by seq position (1-based, inclusive). */
export async function userIdsBySeq(pool: pg.Pool, directoryId: string, from: number, count: number): Promise<{ id: string; userName: string }[]> {
  const { rows } = await pool.query<{ id: string; user_name: string }>(
    'SELECT id, user_name FROM users WHERE directory_id = $1 ORDER BY seq OFFSET $2 LIMIT $3',
    [directoryId, from - 1, count],
  );
  return rows.map((r) => ({ id: r.id, userName: r.user_name }));
}
