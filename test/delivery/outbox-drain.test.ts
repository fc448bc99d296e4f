import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { EventStore } from '../../src/store/event-store';
import { DirectoryStore } from '../../src/store/directory-store';
import { SinkStore, type Sink } from '../../src/store/sink-store';
import { sequenceDirectory } from '../../src/delivery/outbox-sequencer';
import { drainAppModel } from '../../src/delivery/drain-app-model';
import { applyBatchToAppModel } from '../../src/app-model/app-model-batch';
import { OutboxDrainer } from '../../src/delivery/outbox-drainer';
import { replayDeadLetters } from '../../src/delivery/delivery-admin';
import { generateWebhookSecret, sealSecret } from '../../src/delivery/webhook-secret';
import { createLogger } from '../../src/log/logger';
import { toStoredEvent } from '../../src/store/event-store';
import type { NewEvent, StoredEvent } from '../../src/events/event-types';
import { WebhookReceiver, waitFor } from './delivery-helpers';

const SETTINGS = { maxAttempts: 50, backoffBaseMs: 20, backoffMaxMs: 100, secretKey: undefined };

const userEvent = (id: string, version: number, userName: string, extra: Record<string, unknown> = {}): NewEvent => ({
  type: version === 1 ? 'user.created' : 'user.updated',
  resourceType: 'user',
  resourceId: id,
  resourceVersion: version,
  data: { resource: { id, userName, active: true, name: { givenName: `v${version}` }, ...extra } },
});

/** The drain alone, on events appended as a writer does (no SCIM workers, no Redis). */
describe('outbox drain: batches, cursors, order', () => {
  let env: TestEnv;
  const log = createLogger('silent', 'test');
  const receivers: WebhookReceiver[] = [];

  before(async () => {
    env = await createTestEnv({ web: false, workers: false });
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await env.close();
  });

  async function appModelSink(organizationId: string): Promise<Sink> {
    await new SinkStore(env.db).ensureBuiltIn(organizationId);
    return (await new SinkStore(env.db).list(organizationId)).find((s) => s.kind === 'app_model')!;
  }
  async function append(organizationId: string, directoryId: string, events: NewEvent[]): Promise<StoredEvent[]> {
    return env.db.transaction((trx) => new EventStore(trx).appendEvents({ organizationId, directoryId, operationId: null }, events));
  }
  async function sequenceAll(directoryId: string): Promise<void> {
    await waitFor('all sequenced', async () => {
      await sequenceDirectory(env.db, directoryId);
      return !(await env.db('events').where({ directory_id: directoryId }).whereNull('seq').first());
    });
  }

  it('applies up to N events in one transaction and moves the cursor; two drains in parallel never apply a batch twice', async () => {
    const dir = await env.createDirectory();
    const sink = await appModelSink(dir.organizationId);
    const key = { sinkId: sink.id, directoryId: dir.directoryId, organizationId: dir.organizationId };
    const ids = Array.from({ length: 1200 }, () => randomUUID());
    for (let i = 0; i < ids.length; i += 100) await append(dir.organizationId, dir.directoryId, ids.slice(i, i + 100).map((id, j) => userEvent(id, 1, `u${i + j}@example.com`)));
    await sequenceAll(dir.directoryId);

    const first = await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 500);
    // The first call may only create the cursor.
    const batch = first.passed ? first : await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 500);
    assert.equal(batch.passed, 500, 'one call, one transaction, 500 events');
    assert.ok(batch.statements <= 8, `statements per batch: ${batch.statements}`);

    // Four drains race on the same cursor until it is drained.
    const passed = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let n = 0;
        for (let i = 0; i < 50; i++) {
          const r = await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 100);
          n += r.passed;
          if (!r.more && !r.busy && !r.passed) break;
        }
        return n;
      }),
    );
    assert.equal(passed.reduce((a, b) => a + b, 0), 700, `each remaining event passed exactly once over all drains (${passed.join(', ')})`);
    const cursor = await env.db('delivery_cursors').where({ sink_id: sink.id, directory_id: dir.directoryId }).first('last_seq');
    assert.equal(Number(cursor.last_seq), 1200);
    assert.equal(Number((await env.db('app_users').where({ directory_id: dir.directoryId }).count<{ n: string }[]>('* as n'))[0]?.n), 1200);
  });

  it('a stale or replayed batch never makes the app model older', async () => {
    const dir = await env.createDirectory();
    const sink = await appModelSink(dir.organizationId);
    const key = { sinkId: sink.id, directoryId: dir.directoryId, organizationId: dir.organizationId };
    const id = randomUUID();
    const gid = randomUUID();
    const group = (version: number, members: string): NewEvent => ({ type: 'group.user_added', resourceType: 'group', resourceId: gid, resourceVersion: version, data: { group: { id: gid, displayName: `g${version}` }, user: { id: members } } });
    const removed = (version: number, user: string): NewEvent => ({ type: 'group.user_removed', resourceType: 'group', resourceId: gid, resourceVersion: version, data: { group: { id: gid, displayName: `g${version}` }, user: { id: user } } });
    const events = await append(dir.organizationId, dir.directoryId, [userEvent(id, 1, 'a@example.com'), group(1, id), userEvent(id, 2, 'b@example.com'), removed(2, id), userEvent(id, 3, 'c@example.com', { active: false })]);
    await sequenceAll(dir.directoryId);
    await waitFor('drained', async () => (await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 500)).passed > 0);
    const state = async () => ({
      user: await env.db('app_users').where({ directory_user_id: id }).first('user_name', 'given_name', 'status', 'version'),
      group: await env.db('app_groups').where({ directory_group_id: gid }).first('name', 'version'),
      member: await env.db('app_memberships').where({ directory_group_id: gid, directory_user_id: id }).first('present', 'version'),
    });
    const expected = { user: { user_name: 'c@example.com', given_name: 'v3', status: 'suspended', version: 3 }, group: { name: 'g2', version: 2 }, member: { present: false, version: 2 } };
    assert.deepEqual(await state(), expected);

    const stored = (await env.db('events').whereIn('id', events.map((e) => e.id)).orderBy('seq')).map(toStoredEvent);
    // An old batch applied again (e.g. a cursor restored from a backup) ...
    await env.db.transaction((trx) => applyBatchToAppModel(trx, stored.slice(0, 2)));
    assert.deepEqual(await state(), expected);
    // ... and the whole outbox replayed from seq 0.
    await env.db('delivery_cursors').where({ sink_id: sink.id, directory_id: dir.directoryId }).update({ last_seq: 0 });
    assert.equal((await drainAppModel(env.db, key, sink.deliverFrom, SETTINGS, 500)).passed, 5);
    assert.deepEqual(await state(), expected);
  });

  it("a failing webhook event holds back that sink's later events of its directory only; order per resource is version order", async () => {
    const org = await env.createDirectory();
    const d1 = org.directoryId;
    const d2 = (await new DirectoryStore(env.db).create(org.organizationId, 'okta')).directory.id;
    const appSink = await appModelSink(org.organizationId);
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    receiver.secret = generateWebhookSecret();
    const hook = await new SinkStore(env.db).createWebhook(org.organizationId, { name: 'hook', url, sealedSecret: sealSecret(receiver.secret, undefined), timeoutMs: 2000 });

    const [a, b] = [randomUUID(), randomUUID()];
    const e1 = await append(org.organizationId, d1, [userEvent(a, 1, 'a@example.com'), userEvent(b, 1, 'b@example.com')]);
    const e2 = await append(org.organizationId, d1, [userEvent(a, 2, 'a2@example.com'), userEvent(b, 2, 'b2@example.com'), userEvent(a, 3, 'a3@example.com')]);
    const other = await append(org.organizationId, d2, [userEvent(randomUUID(), 1, 'other@example.com')]);
    const failing = e1[1]!; // b v1
    let release = false;
    receiver.respond = (body) => (body.id === failing.id && !release ? { status: 500 } : { status: 204 });

    const drainer = new OutboxDrainer(env.db, { settings: SETTINGS, pollMs: 100, concurrency: 4, log });
    try {
      await drainer.pollNow();
      await waitFor('the other directory and the app model delivered while b v1 fails', async () => {
        const otherOk = receiver.received.some((r) => r.body.id === other[0]!.id && r.status < 300);
        const app = await env.db('delivery_cursors').where({ sink_id: appSink.id, directory_id: d1 }).first('last_seq');
        return otherOk && Number(app?.last_seq ?? 0) >= 5 && receiver.received.filter((r) => r.body.id === failing.id).length >= 3;
      });
      const okIds = receiver.received.filter((r) => r.status < 300).map((r) => r.body.id);
      assert.deepEqual(
        okIds.filter((id) => [...e1, ...e2].some((e) => e.id === id)),
        [e1[0]!.id],
        'only the event before the failing one reached the webhook',
      );
      const cursor = await env.db('delivery_cursors').where({ sink_id: hook.id, directory_id: d1 }).first('last_seq', 'head_failing');
      assert.equal(cursor.head_failing, true);
      const row = await env.db('deliveries').where({ event_id: failing.id, sink_id: hook.id }).first('status', 'attempts');
      assert.equal(row.status, 'pending');
      assert.ok(row.attempts >= 3);

      release = true;
      await waitFor('everything delivered after the failing event succeeds', async () => {
        const c = await env.db('delivery_cursors').where({ sink_id: hook.id, directory_id: d1 }).first('last_seq');
        return Number(c?.last_seq ?? 0) >= 5;
      });
      const seqOf = new Map(((await env.db('events').where({ directory_id: d1 }).select('id', 'seq')) as { id: string; seq: number }[]).map((r) => [r.id, r.seq]));
      const delivered = receiver.received.filter((r) => r.status < 300 && seqOf.has(r.body.id));
      assert.deepEqual(delivered.map((r) => seqOf.get(r.body.id)), [1, 2, 3, 4, 5], 'in seq order, each once');
      for (const id of [a, b]) {
        const versions = delivered.filter((r) => r.body.resource.id === id).map((r) => r.body.resource.version);
        assert.deepEqual(versions, [...versions].sort((x, y) => x - y), `resource ${id} in version order`);
      }
      assert.equal((await env.db('deliveries').where({ event_id: failing.id, sink_id: hook.id }).first('status')).status, 'delivered');
    } finally {
      await drainer.close();
    }
  });

  it('dead letter, then replay with two worker processes polling: delivered again exactly once', async () => {
    const dir = await env.createDirectory();
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    const url = await receiver.start();
    receiver.secret = generateWebhookSecret();
    await new SinkStore(env.db).createWebhook(dir.organizationId, { name: 'hook', url, sealedSecret: sealSecret(receiver.secret, undefined), timeoutMs: 2000 });
    const [dead, next] = await append(dir.organizationId, dir.directoryId, [userEvent(randomUUID(), 1, 'dead@example.com'), userEvent(randomUUID(), 1, 'next@example.com')]);
    let accept = false;
    // The replayed POST is slow, so both drainers poll (every 50 ms) while it is in flight.
    receiver.respond = (body) => (body.id === dead!.id ? (accept ? { status: 204, delayMs: 400 } : { status: 400 }) : { status: 204 });
    const drainers = [1, 2].map(() => new OutboxDrainer(env.db, { settings: SETTINGS, pollMs: 50, concurrency: 2, log }));
    try {
      await Promise.all(drainers.map((d) => d.pollNow()));
      await waitFor('dead-lettered, and the next event delivered behind it', async () => Boolean(await env.db('dead_letters').where({ event_id: dead!.id }).first()) && receiver.okCounts().get(next!.id) === 1);
      accept = true;
      assert.deepEqual(await replayDeadLetters(env.db, env.config, dir.organizationId), { replayed: 1, enqueued: true });
      await waitFor('replayed', async () => (await env.db('deliveries').where({ event_id: dead!.id }).first('status'))?.status === 'delivered');
      await new Promise((r) => setTimeout(r, 300)); // both drainers keep polling meanwhile
      assert.equal(receiver.okCounts().get(dead!.id), 1, 'one successful POST of the replayed event');
      assert.equal(receiver.okCounts().get(next!.id), 1);
    } finally {
      await Promise.all(drainers.map((d) => d.close()));
    }
  });

  it('onEventsCommitted costs no round trip; the drain comes a few ms later, and the poll finds what nobody announced', async () => {
    const dir = await env.createDirectory();
    const sink = await appModelSink(dir.organizationId);
    const drainer = new OutboxDrainer(env.db, { settings: SETTINGS, pollMs: 60_000, concurrency: 2, log });
    try {
      const events = await append(dir.organizationId, dir.directoryId, [userEvent(randomUUID(), 1, 'hook@example.com')]);
      const t0 = performance.now();
      await drainer.onEventsCommitted(events);
      assert.ok(performance.now() - t0 < 5, 'no I/O in the hook');
      const cursorAt = async () => Number((await env.db('delivery_cursors').where({ sink_id: sink.id, directory_id: dir.directoryId }).first('last_seq'))?.last_seq ?? 0);
      await waitFor('drained after the hook', async () => (await cursorAt()) === 1, 5000);
      // An event nobody announced (the web process, another worker, before a restart).
      await append(dir.organizationId, dir.directoryId, [userEvent(randomUUID(), 1, 'quiet@example.com')]);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await cursorAt(), 1, 'not announced, the poll interval has not passed');
      await drainer.pollNow();
      await waitFor('found by the poll', async () => (await cursorAt()) === 2, 5000);
    } finally {
      await drainer.close();
    }
  });
});
