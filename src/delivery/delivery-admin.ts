import type { Config } from '../config/config';
import type { Db } from '../store/db';
import { createRedis, waitReady } from '../queue/redis-connection';
import { DeliveryStore } from '../store/delivery-store';
import { SinkStore, type Sink } from '../store/sink-store';
import { createDeliveryQueue, enqueueDeliveries, deliveryJobId } from './delivery-queue';
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
 * Replays dead letters (all, or one event's): PostgreSQL first (pending again, fresh
 * attempt budget), then a best-effort enqueue; if Redis is unreachable the outbox
 * sweeper enqueues them on its next pass.
 */
export async function replayDeadLetters(db: Db, config: Config, organizationId: string, eventId?: string): Promise<{ replayed: number; enqueued: boolean }> {
  const keys = await new DeliveryStore(db).reopenDeadLetters(organizationId, eventId);
  if (!keys.length) return { replayed: 0, enqueued: false };
  const redis = createRedis(config, 'producer');
  const queue = createDeliveryQueue(redis, config.queuePrefix);
  try {
    await waitReady(redis);
    // A finished job is removed, but remove any leftover so the same job id can run again.
    for (const k of keys) await queue.remove(deliveryJobId(k)).catch(() => 0);
    await enqueueDeliveries(queue, keys, config.delivery.maxAttempts);
    return { replayed: keys.length, enqueued: true };
  } catch {
    return { replayed: keys.length, enqueued: false };
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
