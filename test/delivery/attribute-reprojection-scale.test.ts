import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { allDelivered, waitFor } from './delivery-helpers';

const ADMIN_KEY = 'test-admin-key-reprojection-scale';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USERS = 20_000;

describe('re-projection of a large directory after a mapping change', () => {
  let env: TestEnv;
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${env.baseUrl}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  before(async () => {
    env = await createTestEnv({ env: { ADMIN_API_KEY: ADMIN_KEY, DELIVERY_SWEEP_INTERVAL_MS: '200' } });
  });
  after(async () => env.close());

  it(`${USERS.toLocaleString('en-US')} users: bounded batches, visible progress, every user re-projected through delivery`, async () => {
    const dir = await env.createDirectory();
    // Seeded by SQL (as the directory holds them), without app-model rows: the re-projection brings every user in.
    await env.db.raw(
      `INSERT INTO users (directory_id, user_name, doc)
       SELECT ?, 'bulk' || i || '@example.com', jsonb_build_object('userName', 'bulk' || i || '@example.com', 'active', true, ?::text, jsonb_build_object('department', 'D' || (i % 7), 'costCenter', 'C' || i))
         FROM generate_series(1, ?) i`,
      [dir.directoryId, ENT, USERS],
    );
    const t0 = Date.now();
    const saved = await api('PUT', `/organizations/${dir.organizationId}/attribute-mapping`, { attributes: [{ name: 'dept', path: 'department' }, { name: 'cc', path: 'costCenter' }] });
    assert.equal(saved.status, 200);
    assert.equal(saved.body['reprojection'].total, USERS);

    const seen: number[] = [];
    await waitFor(
      're-projection done',
      async () => {
        const r = (await api('GET', `/organizations/${dir.organizationId}/attribute-mapping`)).body['reprojection'];
        seen.push(r.done as number);
        return r.status === 'done';
      },
      120_000,
    );
    const writtenMs = Date.now() - t0;
    assert.ok(seen.some((d) => d > 0 && d < USERS), `progress is visible while it runs: ${seen.slice(0, 20).join(',')}`);
    assert.equal(seen[seen.length - 1], USERS);

    // Bounded: no transaction wrote more than one batch of events (DELIVERY_BATCH_SIZE, 500).
    const perTx = await env.db.raw<{ rows: { n: number; txs: number }[] }>(
      `SELECT max(c)::int AS n, count(*)::int AS txs FROM (SELECT txid, count(*) c FROM events WHERE directory_id = ? AND type = 'user.attributes_changed' GROUP BY txid) x`,
      [dir.directoryId],
    );
    assert.ok((perTx.rows[0]?.n ?? 0) <= 500, `events per transaction: ${perTx.rows[0]?.n}`);
    assert.equal(perTx.rows[0]?.txs, USERS / 500);

    await waitFor('every event delivered', () => allDelivered(env.db, dir.organizationId), 120_000);
    const check = await env.db.raw<{ rows: { total: number; mapped: number }[] }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE attributes->>'dept' = 'D' || (substring(user_name from 5 for length(user_name) - 16)::int % 7)
                                              AND attributes->>'cc' = 'C' || substring(user_name from 5 for length(user_name) - 16))::int AS mapped
         FROM app_users WHERE directory_id = ?`,
      [dir.directoryId],
    );
    assert.deepEqual(check.rows[0], { total: USERS, mapped: USERS });
    // For docs/app-user-model.md: how long writing and delivering took on this machine.
    console.log(`re-projection of ${USERS} users: events written in ${writtenMs} ms, delivered to the app model in ${Date.now() - t0} ms`);
  });
});
