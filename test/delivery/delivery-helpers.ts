import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Db } from '../../src/store/db';

export { USER_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, oktaUser } from '../support/okta-bodies';

/**
 * An independent Standard Webhooks verifier (https://www.standardwebhooks.com):
 * secret `whsec_<base64>`, signed content `${id}.${timestamp}.${body}`, HMAC-SHA256,
 * header `webhook-signature` = space-separated `v1,<base64>` entries; timestamp
 * within 5 minutes. Written from the spec, not by calling src/.
 */
export function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`, 'utf8').digest();
  return sig.split(' ').some((part) => {
    const [version, value] = part.split(',');
    if (version !== 'v1' || !value) return false;
    const got = Buffer.from(value, 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

export interface Received {
  id: string;
  status: number;
  verified: boolean;
  at: number;
  body: { id: string; type: string; resource: { id: string; version: number }; data: Record<string, unknown> };
}

/** A fake app receiving webhooks on 127.0.0.1; `respond` decides each answer. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret = '';
  respond: (body: Received['body'], attempt: number) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({ status: 204 });
  private readonly attempts = new Map<string, number>();
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as Received['body'];
      const n = (this.attempts.get(body.id) ?? 0) + 1;
      this.attempts.set(body.id, n);
      const answer = this.respond(body, n);
      const reply = () => {
        this.received.push({ id: String(req.headers['webhook-id']), status: answer.status, at: Date.now(), verified: verifyStandardWebhook(this.secret, req.headers, raw), body });
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      };
      // A slow receiver: the answer (and its record) comes `delayMs` later.
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Successful deliveries per event id. */
  okCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of this.received) if (r.status < 300) m.set(r.body.id, (m.get(r.body.id) ?? 0) + 1);
    return m;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns true (bounded in time). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Every event of an organization is delivered (PostgreSQL facts) to every enabled
 * sink: all its events are sequenced, every (enabled sink, directory) cursor is at
 * the directory's last event, and no delivery row is pending or dead.
 */
export async function allDelivered(db: Db, organizationId: string): Promise<boolean> {
  const r = await db.raw<{ rows: { unsequenced: number; behind: number; open: number; sinks: number }[] }>(
    `SELECT (SELECT count(*) FROM events WHERE organization_id = :org AND seq IS NULL)::int AS unsequenced,
            (SELECT count(*) FROM sinks s JOIN directories d ON d.organization_id = s.organization_id
               LEFT JOIN delivery_cursors c ON c.sink_id = s.id AND c.directory_id = d.id
              WHERE s.organization_id = :org AND s.enabled
                AND coalesce(c.last_seq, 0) < (SELECT coalesce(max(seq), 0) FROM events e WHERE e.directory_id = d.id))::int AS behind,
            (SELECT count(*) FROM deliveries WHERE organization_id = :org AND status <> 'delivered')::int AS open,
            (SELECT count(*) FROM sinks WHERE organization_id = :org)::int AS sinks`,
    { org: organizationId },
  );
  const row = r.rows[0];
  return Boolean(row && row.sinks > 0 && row.unsequenced === 0 && row.behind === 0 && row.open === 0);
}

/**
 * Deletes every key of ONE test's queue prefix with SCAN + DEL. Never FLUSHALL: the
 * Redis server is shared with other engineers' tests. For our queues the effect is
 * the same as FLUSHALL: every queue key (waiting, delayed, active jobs, schedulers) gone.
 */
export async function flushPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await redis.del(...keys);
  } while (cursor !== '0');
  return n;
}

/** The directory's state in the shape `app-users --json` prints (for equality checks). */
export async function directoryAsAppUsers(db: Db, directoryId: string): Promise<{ directoryUserId: string; userName: string; active: boolean }[]> {
  const rows: { id: string; user_name: string; active: boolean }[] = await db('users').where({ directory_id: directoryId }).orderByRaw('lower(user_name), id').select('id', 'user_name', 'active');
  return rows.map((r) => ({ directoryUserId: r.id, userName: r.user_name, active: r.active }));
}
