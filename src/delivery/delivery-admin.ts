import type { Config } from '../config/config';
import type { Db } from '../store/db';
import { DeliveryStore } from '../store/delivery-store';
import { SinkStore, type Sink } from '../store/sink-store';
import { generateWebhookSecret, sealSecret } from './webhook-secret';
import { checkWebhookUrl } from './webhook-url';

/** Use-cases shared by the admin API and the CLI. */

export class DeliveryAdminError extends Error {}

/** Adds a webhook endpoint; the secret is returned here once and never again. */
export async function addWebhookSink(db: Db, config: Config, organizationId: string, input: { url: string; name?: string; timeoutMs?: number }): Promise<{ sink: Sink; secret: string }> {
  const problem = await checkWebhookUrl(input.url, config.env, { allowLoopback: config.delivery.webhookAllowLoopback });
  if (problem) throw new DeliveryAdminError(problem);
  const secret = generateWebhookSecret();
  const sink = await new SinkStore(db).createWebhook(organizationId, {
    name: input.name ?? new URL(input.url).host,
    url: input.url,
    sealedSecret: sealSecret(secret, config.delivery.secretKey),
    timeoutMs: input.timeoutMs ?? config.delivery.webhookTimeoutMs,
  });
  return { sink, secret };
}

/**
 * Replays dead letters (all, or one event's): their deliveries become pending again
 * with a fresh attempt budget, due now. PostgreSQL is the queue: every worker's
 * outbox drainer picks them up on its next poll (DELIVERY_SWEEP_INTERVAL_MS) and
 * delivers each one again through the per-event path, out of the sink's seq order
 * (docs/delivery.md). `enqueued` is true once that is recorded.
 */
export async function replayDeadLetters(db: Db, _config: Config, organizationId: string, eventId?: string): Promise<{ replayed: number; enqueued: boolean }> {
  const keys = await new DeliveryStore(db).reopenDeadLetters(organizationId, eventId);
  return { replayed: keys.length, enqueued: keys.length > 0 };
}
