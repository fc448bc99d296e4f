/**
 * Regression (found by the chaos run, docs/chaos.md): a receiver answering 429/503
 * with Retry-After used to spend one delivery attempt per answer, so an app that
 * rate-limits for minutes ended in dead letters. Retry-After answers now use no
 * attempt; a separate time budget (DELIVERY_THROTTLE_BUDGET_MS) bounds them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { scimClient } from '../support/scim-client';
import { oktaUser } from '../support/okta-bodies';
import { WebhookReceiver, allDelivered, waitFor } from '../delivery/delivery-helpers';

const ADMIN_KEY = 'chaos-admin-key-0123456789';

async function addWebhook(env: TestEnv, organizationId: string, receiver: WebhookReceiver): Promise<void> {
  const url = await receiver.start();
  const res = await fetch(`${env.baseUrl}/api/v1/organizations/${organizationId}/sinks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, name: 'throttling app' }),
  });
  assert.equal(res.status, 201);
  receiver.secret = ((await res.json()) as { secret: string }).secret;
}

describe('webhook 429/503 with Retry-After', () => {
  let env: TestEnv;
  const receivers: WebhookReceiver[] = [];

  before(async () => {
    env = await createTestEnv({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        // Two attempts only: before the fix, the third 429 was a dead letter.
        DELIVERY_MAX_ATTEMPTS: '2',
        DELIVERY_BACKOFF_BASE_MS: '50',
        DELIVERY_BACKOFF_MAX_MS: '200',
        DELIVERY_SWEEP_INTERVAL_MS: '60000',
        DELIVERY_THROTTLE_BUDGET_MS: '4000',
      },
    });
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await env.close();
  });

  it('many 429/503 + Retry-After answers use no attempts; the event is delivered once when the receiver is back', async () => {
    const dir = await env.createDirectory();
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await addWebhook(env, dir.organizationId, receiver);
    receiver.respond = (_b, n) => (n <= 5 ? { status: n % 2 ? 429 : 503, headers: { 'retry-after': '0' } } : { status: 204 });
    const created = await scimClient(dir.scimUrl, dir.token)('POST', '/Users', oktaUser('throttled@example.com'));
    assert.equal(created.status, 201);
    await waitFor('delivered after 5 throttled answers', () => allDelivered(env.db, dir.organizationId), 20_000);
    const tries = receiver.received.map((r) => r.status);
    assert.deepEqual(tries, [429, 503, 429, 503, 429, 204]);
    assert.ok(receiver.received.every((r) => r.verified), 'every request signed');
    const [row] = await env.db('deliveries').join('sinks', 'sinks.id', 'deliveries.sink_id').where({ 'sinks.kind': 'webhook', 'deliveries.organization_id': dir.organizationId }).select('deliveries.*');
    assert.equal(row.status, 'delivered');
    assert.equal(row.attempts, 1, 'only the successful attempt counts');
    assert.equal(Number((await env.db('dead_letters').where({ organization_id: dir.organizationId }).count('* as n'))[0]?.n), 0);
  });

  it('Retry-After is honoured (no request before the delay), and endless throttling ends in a dead letter after the time budget', async () => {
    const dir = await env.createDirectory();
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await addWebhook(env, dir.organizationId, receiver);
    receiver.respond = () => ({ status: 429, headers: { 'retry-after': '1' } });
    assert.equal((await scimClient(dir.scimUrl, dir.token)('POST', '/Users', oktaUser('forever@example.com'))).status, 201);
    await waitFor('dead letter after the throttle budget', async () => Number((await env.db('dead_letters').where({ organization_id: dir.organizationId }).count('* as n'))[0]?.n) === 1, 20_000);
    const at = receiver.received.map((r) => r.at);
    assert.ok(at.length >= 3, `several throttled tries within the budget (${at.length})`);
    for (let i = 1; i < at.length; i++) assert.ok((at[i] ?? 0) - (at[i - 1] ?? 0) >= 950, 'Retry-After: 1 honoured');
    const [letter] = await env.db('dead_letters').where({ organization_id: dir.organizationId });
    assert.match(letter.error, /throttled/);
    assert.equal(letter.last_status, 429);
  });
});
