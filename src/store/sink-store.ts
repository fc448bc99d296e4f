import type { Db } from './db';
import { isUuid } from '../common/uuid';

export type SinkKind = 'app_model' | 'webhook';

/** A sink as the API shows it: never the secret. */
export interface Sink {
  id: string;
  organizationId: string;
  kind: SinkKind;
  name: string;
  url: string | null;
  timeoutMs: number;
  enabled: boolean;
  deliverFrom: Date;
  createdAt: Date;
}

/** A sink with its sealed secret, for the delivery worker only. */
export interface SinkWithSecret extends Sink {
  sealedSecret: string | null;
}

interface SinkRow {
  id: string;
  organization_id: string;
  kind: SinkKind;
  name: string;
  url: string | null;
  secret: string | null;
  timeout_ms: number;
  enabled: boolean;
  deliver_from: Date;
  created_at: Date;
}

const toSink = (r: SinkRow): Sink => ({
  id: r.id,
  organizationId: r.organization_id,
  kind: r.kind,
  name: r.name,
  url: r.url,
  timeoutMs: r.timeout_ms,
  enabled: r.enabled,
  deliverFrom: r.deliver_from,
  createdAt: r.created_at,
});

/**
 * Sinks per organization. Every organization has the built-in app-model sink
 * (created on first need, delivering from the organization's creation) unless it
 * was disabled; webhooks are added on top and receive events from their creation on.
 */
export class SinkStore {
  constructor(private readonly db: Db) {}

  /** Creates the built-in sink of every organization that has none (cheap when all have one). */
  async ensureBuiltIn(organizationId?: string): Promise<void> {
    await this.db.raw(
      `INSERT INTO sinks (organization_id, kind, name, deliver_from)
       SELECT o.id, 'app_model', 'App user model', o.created_at FROM organizations o
        WHERE NOT EXISTS (SELECT 1 FROM sinks s WHERE s.organization_id = o.id AND s.kind = 'app_model')
          ${organizationId ? 'AND o.id = ?' : ''}
       ON CONFLICT DO NOTHING`,
      organizationId ? [organizationId] : [],
    );
  }

  /** Whether the sink exists and is enabled now (a drain stops for a sink disabled meanwhile). */
  async isEnabled(id: string): Promise<boolean> {
    const row: { enabled: boolean } | undefined = await this.db('sinks').where({ id }).first('enabled');
    return row?.enabled === true;
  }

  async list(organizationId: string): Promise<Sink[]> {
    await this.ensureBuiltIn(organizationId);
    const rows: SinkRow[] = await this.db('sinks').where({ organization_id: organizationId }).orderBy('created_at');
    return rows.map(toSink);
  }

  /** Enabled sinks of an organization, the built-in one ensured. */
  async enabledSinkIds(organizationId: string): Promise<string[]> {
    await this.ensureBuiltIn(organizationId);
    const rows: { id: string }[] = await this.db('sinks').where({ organization_id: organizationId, enabled: true }).select('id');
    return rows.map((r) => r.id);
  }

  /** Enabled sinks of an organization with their sealed secrets, for the delivery drain only. */
  async enabledWithSecrets(organizationId: string): Promise<SinkWithSecret[]> {
    const rows: SinkRow[] = await this.db('sinks').where({ organization_id: organizationId, enabled: true }).orderBy('created_at');
    return rows.map((r) => ({ ...toSink(r), sealedSecret: r.secret }));
  }

  async find(organizationId: string, id: string): Promise<Sink | undefined> {
    if (!isUuid(id)) return undefined;
    const row: SinkRow | undefined = await this.db('sinks').where({ organization_id: organizationId, id }).first();
    return row ? toSink(row) : undefined;
  }

  async findWithSecret(id: string): Promise<SinkWithSecret | undefined> {
    const row: SinkRow | undefined = await this.db('sinks').where({ id }).first();
    return row ? { ...toSink(row), sealedSecret: row.secret } : undefined;
  }

  async createWebhook(organizationId: string, input: { name: string; url: string; sealedSecret: string; timeoutMs: number }): Promise<Sink> {
    const [row] = await this.db('sinks')
      .insert({ organization_id: organizationId, kind: 'webhook', name: input.name, url: input.url, secret: input.sealedSecret, timeout_ms: input.timeoutMs })
      .returning('*');
    return toSink(row as SinkRow);
  }

  async update(organizationId: string, id: string, patch: { enabled?: boolean; name?: string; url?: string; timeoutMs?: number }): Promise<Sink | undefined> {
    if (!isUuid(id)) return undefined;
    const changes: Partial<SinkRow> = {};
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.timeoutMs !== undefined) changes.timeout_ms = patch.timeoutMs;
    const [row] = await this.db('sinks').where({ organization_id: organizationId, id }).update(changes).returning('*');
    return row ? toSink(row as SinkRow) : undefined;
  }

  /** Deletes a webhook sink (the built-in one can only be disabled). */
  async deleteWebhook(organizationId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.db('sinks').where({ organization_id: organizationId, id, kind: 'webhook' }).delete()) > 0;
  }
}
