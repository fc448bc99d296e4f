import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { adminClient } from '../admin/admin-client';
import { EventStore } from '../../src/store/event-store';
import { DirectoryStore } from '../../src/store/directory-store';
import { SinkStore, type Sink } from '../../src/store/sink-store';
import { sequenceDirectory } from '../../src/delivery/outbox-sequencer';
import { drainAppModel } from '../../src/delivery/drain-app-model';
import { drainWebhook } from '../../src/delivery/drain-webhook';
import { encodeCursor } from '../../src/delivery/event-feed';
import { generateWebhookSecret, sealSecret } from '../../src/delivery/webhook-secret';
import { createLogger } from '../../src/log/logger';
import { RetentionPruner, type RetentionSettings } from '../../src/worker/retention-pruner';
import type { NewEvent } from '../../src/events/event-types';
import { WebhookReceiver, waitFor } from '../delivery/delivery-helpers';

const KEY = 'retention-test-admin-key-0123456789';
const SETTINGS = { maxAttempts: 50, backoffBaseMs: 20, backoffMaxMs: 100, secretKey: undefined };
const RETENTION: RetentionSettings = { eventsDays: 30, operationsDays: 30, deliveriesDays: 7, batchSize: 3, pauseMs: 0 };
const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

const userEvent = (i: number): NewEvent => {
  const id = randomUUID();
  return { type: 'user.created', resourceType: 'user', resourceId: id, resourceVersion: 1, data: { resource: { id, userName: `u${i}@example.com`, active: true } } };
};

/** Retention (issue 12, requirement 8): the pruning job on real PostgreSQL, the events API's 410, the storage metrics. */
describe('retention: bounded storage', () => {
  let env: TestEnv;
  const log = createLogger('silent', 'test');
  const receivers: WebhookReceiver[] = [];
  let api: ReturnType<typeof adminClient>;

  before(async () => {
    // Workers off: this file runs the pruner and the drains itself.
    env = await createTestEnv({ workers: false, env: { ADMIN_API_KEY: KEY } });
    api = adminClient(env.baseUrl, KEY);
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await env.close();
  });

  async function appModelSink(organizationId: string): Promise<Sink> {
    await new SinkStore(env.db).ensureBuiltIn(organizationId);
    return (await new SinkStore(env.db).list(organizationId)).find((s) => s.kind === 'app_model')!;
  }
  /** Appends `n` events in one transaction and sequences them. */
  async function appendSequenced(organizationId: string, directoryId: string, n: number): Promise<void> {
    await env.db.transaction((trx) => new EventStore(trx).appendEvents({ organizationId, directoryId, operationId: null }, Array.from({ length: n }, (_, i) => userEvent(i))));
    await waitFor('all sequenced', async () => {
      await sequenceDirectory(env.db, directoryId);
      return !(await env.db('events').where({ directory_id: directoryId }).whereNull('seq').first());
    });
  }
  async function drainAppModelFully(sink: Sink, directoryId: string, organizationId: string): Promise<void> {
    const key = { sinkId: sink.id, directoryId, organizationId };
    for (let i = 0; i < 20; i++) {
      const r = await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 500);
      if (!r.more && !r.busy && r.passed === 0 && (await cursorOf(sink.id, directoryId)) !== undefined) return;
    }
  }
  async function cursorOf(sinkId: string, directoryId: string): Promise<number | undefined> {
    const row: { last_seq: number } | undefined = await env.db('delivery_cursors').where({ sink_id: sinkId, directory_id: directoryId }).first('last_seq');
    return row?.last_seq;
  }
  async function seqs(directoryId: string): Promise<(number | null)[]> {
    const rows: { seq: number | null }[] = await env.db('events').where({ directory_id: directoryId }).orderByRaw('seq NULLS LAST').select('seq');
    return rows.map((r) => r.seq);
  }
  const eventAt = async (directoryId: string, seq: number): Promise<string> => ((await env.db('events').where({ directory_id: directoryId, seq }).first('id')) as { id: string }).id;
  const age = (days: number) => env.db.raw(`now() - make_interval(days => ${days})`);
  const horizon = async (directoryId: string): Promise<number | undefined> =>
    ((await env.db('event_retention_horizons').where({ directory_id: directoryId }).first('pruned_through')) as { pruned_through: number } | undefined)?.pruned_through;

  it('prunes old rows of every table in small batches and keeps recent ones, referenced events and live dead letters', async () => {
    const dir = await env.createDirectory();
    const sink = await appModelSink(dir.organizationId);
    await appendSequenced(dir.organizationId, dir.directoryId, 25);
    await drainAppModelFully(sink, dir.directoryId, dir.organizationId);
    assert.equal(await cursorOf(sink.id, dir.directoryId), 25, 'the app model consumed every event');
    await env.db('events').where({ directory_id: dir.directoryId }).andWhere('seq', '<=', 20).update({ occurred_at: age(40) });

    // The SCIM write log: 20 old entries, 5 recent.
    await env.db('operations').insert(
      Array.from({ length: 25 }, (_, i) => ({
        id: randomUUID(),
        directory_id: dir.directoryId,
        method: 'POST',
        resource_type: 'User',
        summary: `create u${i}`,
        status: 201,
        received_at: new Date(),
        applied_at: i < 20 ? age(31) : age(29),
        queue_ms: 1,
        apply_ms: 1,
      })),
    );
    // Delivery rows: delivered 10 days ago (events 1-3) and 1 day ago (event 4); a dead letter
    // replayed 10 days ago (event 5) and one never replayed (event 6, 40 days old).
    for (const [seq, deliveredDays] of [[1, 10], [2, 10], [3, 10], [4, 1]] as const) {
      await env.db('deliveries').insert({ event_id: await eventAt(dir.directoryId, seq), sink_id: sink.id, organization_id: dir.organizationId, status: 'delivered', attempts: 2, delivered_at: age(deliveredDays), created_at: age(deliveredDays) });
    }
    await env.db('dead_letters').insert({ organization_id: dir.organizationId, event_id: await eventAt(dir.directoryId, 5), sink_id: sink.id, attempts: 12, error: 'HTTP 500', created_at: age(12), replayed_at: age(10) });
    await env.db('dead_letters').insert({ organization_id: dir.organizationId, event_id: await eventAt(dir.directoryId, 6), sink_id: sink.id, attempts: 12, error: 'HTTP 500', created_at: age(40) });
    // Replay markers: 3 past their 1-day lifetime, 2 live.
    await env.db('replay_markers').insert(
      Array.from({ length: 5 }, (_, i) => ({ directory_id: dir.directoryId, fingerprint: `fp-${i}`, operation_id: randomUUID(), created_at: i < 3 ? age(2) : new Date() })),
    );

    const run = await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.equal(run.skipped, false);
    assert.deepEqual(
      { events: run.events, operations: run.operations, deliveries: run.deliveries, deadLetters: run.deadLetters, replayMarkers: run.replayMarkers },
      { events: 18, operations: 20, deliveries: 3, deadLetters: 1, replayMarkers: 3 },
    );
    // Batches of 3: at least 7 statements for the 20 operations and 7 for the events.
    assert.ok(run.batches >= 14, `batches: ${run.batches}`);

    assert.deepEqual(await seqs(dir.directoryId), [4, 6, 21, 22, 23, 24, 25], 'old events go; event 4 (recent delivery row), event 6 (live dead letter) and recent ones stay');
    assert.equal(await horizon(dir.directoryId), 20);
    assert.equal(Number((await env.db('operations').where({ directory_id: dir.directoryId }).count('* as n'))[0]!.n), 5);
    assert.deepEqual((await env.db('deliveries').where({ sink_id: sink.id }).select('event_id')).map((r: { event_id: string }) => r.event_id), [await eventAt(dir.directoryId, 4)]);
    const letters: { replayed_at: Date | null }[] = await env.db('dead_letters').where({ organization_id: dir.organizationId }).select('replayed_at');
    assert.deepEqual(letters, [{ replayed_at: null }], 'the dead letter not replayed is kept, however old');
    assert.deepEqual((await env.db('replay_markers').where({ directory_id: dir.directoryId }).orderBy('fingerprint').select('fingerprint')).map((r: { fingerprint: string }) => r.fingerprint), ['fp-3', 'fp-4']);

    const again = await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.equal(again.events + again.operations + again.deliveries + again.deadLetters + again.replayMarkers, 0, 'a second run finds nothing more');
  });

  it('only one process prunes at a time: a run that cannot take the advisory lock skips', async () => {
    const other = new pg.Client({ connectionString: env.config.databaseUrl });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(1684632179, 8)');
      const run = await new RetentionPruner(env.db, RETENTION, log).runOnce();
      assert.equal(run.skipped, true);
      await other.query('SELECT pg_advisory_unlock(1684632179, 8)');
      assert.equal((await new RetentionPruner(env.db, RETENTION, log).runOnce()).skipped, false);
    } finally {
      await other.end();
    }
  });

  it('never prunes an event a sink has not consumed: a webhook stuck behind a failing event keeps every later event; unsequenced events are never pruned', async () => {
    const dir = await env.createDirectory();
    const appSink = await appModelSink(dir.organizationId);
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    receiver.secret = generateWebhookSecret();
    const hook = await new SinkStore(env.db).createWebhook(dir.organizationId, { name: 'hook', url, sealedSecret: sealSecret(receiver.secret, undefined), timeoutMs: 2000 });
    // A second directory of the same organization: the webhook has never drained it (no cursor).
    const idle = (await new DirectoryStore(env.db).create(dir.organizationId, 'okta')).directory.id;

    await appendSequenced(dir.organizationId, dir.directoryId, 10);
    await appendSequenced(dir.organizationId, idle, 4);
    const failing = await eventAt(dir.directoryId, 3);
    receiver.respond = (body) => (body.id === failing ? { status: 500 } : { status: 204 });

    await drainAppModelFully(appSink, dir.directoryId, dir.organizationId);
    await drainAppModelFully(appSink, idle, dir.organizationId);
    const hookWithSecret = (await new SinkStore(env.db).enabledWithSecrets(dir.organizationId)).find((s) => s.id === hook.id)!;
    const key = { sinkId: hook.id, directoryId: dir.directoryId, organizationId: dir.organizationId };
    await waitFor('the webhook cursor stuck before the failing event', async () => {
      await drainWebhook(env.db, key, hookWithSecret, SETTINGS, 100, randomUUID());
      return (await cursorOf(hook.id, dir.directoryId)) === 2 && Boolean(await env.db('deliveries').where({ event_id: failing, sink_id: hook.id, status: 'pending' }).first());
    });
    assert.equal(await cursorOf(appSink.id, dir.directoryId), 10);
    assert.equal(await cursorOf(appSink.id, idle), 4);
    assert.equal(await cursorOf(hook.id, idle), undefined);

    // Everything is old now; unsequenced old events too.
    await env.db.transaction((trx) => new EventStore(trx).appendEvents({ organizationId: dir.organizationId, directoryId: idle, operationId: null }, [userEvent(99)]));
    await env.db('events').where({ organization_id: dir.organizationId }).update({ occurred_at: age(60) });

    const run = await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.equal(run.events, 2);
    assert.deepEqual(await seqs(dir.directoryId), [3, 4, 5, 6, 7, 8, 9, 10], "only what both sinks consumed is pruned (the webhook's cursor is at 2), though the app model consumed all 10");
    assert.deepEqual(await seqs(idle), [1, 2, 3, 4, null], 'a sink without a cursor has consumed nothing; an unsequenced event is never pruned');
    assert.equal(await horizon(dir.directoryId), 2);

    // The failing event is delivered: the webhook catches up, and the rest can go.
    receiver.respond = () => ({ status: 204 });
    // (Made recent while it delivers: a webhook skips events older than the sink, and an attempt dead-letters one older than the throttle budget.)
    await env.db('events').where({ directory_id: dir.directoryId }).update({ occurred_at: env.db.fn.now() });
    await env.db('deliveries').where({ event_id: failing, sink_id: hook.id }).update({ next_attempt_at: env.db.fn.now() });
    await waitFor('the webhook catches up', async () => {
      await drainWebhook(env.db, key, hookWithSecret, SETTINGS, 100, randomUUID());
      return (await cursorOf(hook.id, dir.directoryId)) === 10;
    });
    const delivered = receiver.received.filter((r) => r.status < 300).map((r) => r.body.id);
    for (let seq = 3; seq <= 10; seq++) assert.ok(delivered.includes(await eventAt(dir.directoryId, seq)), `event ${seq} reached the webhook`);
    // The failing event's delivered row is recent: it (and so its event) stays for RETENTION_DELIVERIES_DAYS.
    await env.db('events').where({ directory_id: dir.directoryId }).update({ occurred_at: age(60) });
    await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.deepEqual(await seqs(dir.directoryId), [3]);

    // With every sink disabled, nothing waits for the idle directory's sequenced events.
    await env.db('sinks').where({ organization_id: dir.organizationId }).update({ enabled: false });
    await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.deepEqual(await seqs(idle), [null], 'no enabled sink: sequenced old events go, the unsequenced one stays');
  });

  it('the events API answers 410 Gone for a cursor older than the retention horizon, and pages on from a cursor at or past it', async () => {
    const dir = await env.createDirectory();
    const sink = await appModelSink(dir.organizationId);
    await appendSequenced(dir.organizationId, dir.directoryId, 6);
    await drainAppModelFully(sink, dir.directoryId, dir.organizationId);
    await env.db('events').where({ directory_id: dir.directoryId }).andWhere('seq', '<=', 4).update({ occurred_at: age(45) });
    await new RetentionPruner(env.db, RETENTION, log).runOnce();
    assert.deepEqual(await seqs(dir.directoryId), [5, 6]);

    const feed = (cursor?: Record<string, number>) => api('GET', `/organizations/${dir.organizationId}/events${cursor ? `?cursor=${encodeCursor(cursor)}` : ''}`);
    const stale = await feed({ [dir.directoryId]: 2 });
    assert.equal(stale.status, 410);
    assert.equal(stale.body.error.code, 'cursor_expired');
    assert.match(stale.body.error.message, /older than the retention horizon/);
    assert.match(stale.body.error.message, /Start again without a cursor/);
    assert.deepEqual(stale.body.error.details, [{ directoryId: dir.directoryId, cursorSequence: 2, prunedThrough: 4 }]);

    const atHorizon = await feed({ [dir.directoryId]: 4 });
    assert.equal(atHorizon.status, 200);
    assert.deepEqual(atHorizon.body.data.map((e: { sequence: number }) => e.sequence), [5, 6]);
    const fresh = await feed();
    assert.equal(fresh.status, 200, 'no cursor: read from the oldest event kept');
    assert.deepEqual(fresh.body.data.map((e: { sequence: number }) => e.sequence), [5, 6]);
    // Another organization's directory in the cursor does not make it stale here.
    const other = await env.createDirectory();
    assert.equal((await api('GET', `/organizations/${other.organizationId}/events?cursor=${encodeCursor({ [dir.directoryId]: 0 })}`)).status, 200);
  });

  it('/metrics shows each retained table: rows, bytes and the age of the oldest row kept', async () => {
    const dir = await env.createDirectory();
    await appendSequenced(dir.organizationId, dir.directoryId, 2);
    await env.db('events').where({ directory_id: dir.directoryId }).update({ occurred_at: age(20) });
    const res = await fetch(`${env.baseUrl}/metrics`, { headers: { Authorization: basic(KEY) } });
    assert.equal(res.status, 200);
    const text = await res.text();
    const value = (name: string, table: string): number => {
      const m = new RegExp(`^${name}\\{table="${table}"\\} (\\S+)$`, 'm').exec(text);
      assert.ok(m, `${name}{table="${table}"} missing`);
      return Number(m[1]);
    };
    for (const table of ['operations', 'events', 'deliveries', 'dead_letters', 'replay_markers']) {
      assert.ok(value('dirsync_table_rows', table) >= 0);
      assert.ok(value('dirsync_table_bytes', table) > 0, `${table} has bytes on disk`);
      assert.ok(value('dirsync_table_oldest_row_age_seconds', table) >= 0);
    }
    assert.ok(value('dirsync_table_rows', 'events') >= 2);
    // The oldest event kept is at least 20 days old (earlier tests left older ones).
    assert.ok(value('dirsync_table_oldest_row_age_seconds', 'events') >= 20 * 86_400);
    assert.match(text, /# HELP dirsync_table_oldest_row_age_seconds /);
  });
});
