import type { Provider } from '../common/providers';
import type { Db } from './db';
import { hashesEqual, hashToken, issueToken } from '../common/directory-token';
import { isUuid } from '../common/uuid';
import { EventStore } from './event-store';
import { announceAuthChange } from './auth-changes';

export type DirectoryStatus = 'active' | 'disabled';

export interface Directory {
  id: string;
  organizationId: string;
  provider: Provider;
  name: string;
  status: DirectoryStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface DirectoryToken {
  id: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** What a successfully authenticated SCIM request knows about its tenant. */
export interface DirectoryPrincipal {
  directoryId: string;
  organizationId: string;
  tokenId: string;
  /** The directory's identity provider: keys the provider-specific request normalisation (src/scim/quirks). */
  provider: Provider;
}

interface DirectoryRow {
  id: string;
  organization_id: string;
  provider: Provider;
  name: string;
  status: DirectoryStatus;
  created_at: Date;
  updated_at: Date;
}

const toDirectory = (r: DirectoryRow): Directory => ({
  id: r.id,
  organizationId: r.organization_id,
  provider: r.provider,
  name: r.name,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// Compared against when the directory has no live token, so a miss costs the same as a hit.
const DUMMY_HASH = hashToken('dsk_no-such-token');

/** A directory's live tokens as the principal cache keeps them. */
export interface DirectoryAuthEntry {
  organizationId: string;
  provider: Provider;
  tokens: { id: string; hash: Buffer; expiresAt: number | null }[];
}

/**
 * Checks a presented token against a directory's live tokens in constant time
 * (every token is compared, and a dummy when there is none), honouring expiry at `now`.
 */
export function matchToken(directoryId: string, entry: DirectoryAuthEntry | null, token: string, now: number): DirectoryPrincipal | undefined {
  const presented = hashToken(token);
  const candidates = entry?.tokens.length ? entry.tokens : [{ id: '', hash: DUMMY_HASH, expiresAt: null }];
  let match: DirectoryPrincipal | undefined;
  for (const t of candidates) {
    const live = t.expiresAt === null || t.expiresAt > now;
    if (hashesEqual(presented, t.hash) && t.id && live && entry) match = { directoryId, organizationId: entry.organizationId, tokenId: t.id, provider: entry.provider };
  }
  return match;
}

/** Directories and their bearer tokens (stored only as SHA-256 hashes). */
export class DirectoryStore {
  constructor(private readonly db: Db) {}

  /** Creates a directory with its first token; the token is returned once and never again. */
  async create(organizationId: string, provider: Provider, name?: string): Promise<{ directory: Directory; token: string }> {
    const created = await this.db.transaction(async (trx) => {
      const [row] = await trx<DirectoryRow>('directories')
        .insert({ organization_id: organizationId, provider, name: name ?? defaultName(provider) })
        .returning('*');
      const directory = toDirectory(row as DirectoryRow);
      await trx('event_sequences').insert({ directory_id: directory.id, last_seq: 0 });
      const issued = issueToken();
      await trx('directory_tokens').insert({ directory_id: directory.id, token_hash: issued.hash, prefix: issued.displayPrefix });
      return { directory, token: issued.token };
    });
    announceAuthChange(`dir:${created.directory.id}`);
    return created;
  }

  async find(id: string): Promise<Directory | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.db<DirectoryRow>('directories').where({ id }).first();
    return row ? toDirectory(row) : undefined;
  }

  /** Ids of every active directory (the scheduled reconcile visits each). */
  async activeIds(): Promise<{ id: string }[]> {
    return this.db('directories').where({ status: 'active' }).select('id');
  }

  async list(organizationId?: string): Promise<Directory[]> {
    const q = this.db<DirectoryRow>('directories').orderBy('created_at');
    if (organizationId) void q.where({ organization_id: organizationId });
    return (await q).map(toDirectory);
  }

  /**
   * Enables or disables a directory. A real change appends `directory.enabled` /
   * `directory.disabled` to the outbox in the same transaction (its version is
   * `directories.version`, bumped by each change); a no-op emits nothing.
   */
  async setStatus(id: string, status: DirectoryStatus): Promise<Directory | undefined> {
    if (!isUuid(id)) return undefined;
    const updated = await this.db.transaction(async (trx) => {
      const before = await trx<DirectoryRow>('directories').where({ id }).forUpdate().first();
      if (!before) return undefined;
      const changed = before.status !== status;
      const [row] = await trx<DirectoryRow>('directories')
        .where({ id })
        .update({ status, updated_at: trx.fn.now() as unknown as Date, ...(changed ? { version: trx.raw('version + 1') } : {}) } as Partial<DirectoryRow>)
        .returning('*');
      const directory = toDirectory(row as DirectoryRow);
      if (changed) {
        // The directory row is locked (FOR UPDATE above), so versions are strictly increasing.
        const version = Number((row as { version?: number } | undefined)?.version ?? 1);
        await new EventStore(trx).appendEvents({ organizationId: directory.organizationId, directoryId: id, operationId: null }, [
          {
            type: status === 'active' ? 'directory.enabled' : 'directory.disabled',
            resourceType: 'directory',
            resourceId: id,
            resourceVersion: version,
            data: { resource: { id, organizationId: directory.organizationId, provider: directory.provider, name: directory.name, status } },
          },
        ]);
      }
      return directory;
    });
    announceAuthChange(`dir:${id}`);
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = (await this.db('directories').where({ id }).delete()) > 0;
    announceAuthChange(`dir:${id}`);
    return deleted;
  }

  /**
   * Issues a new token. Tokens already live keep working for `graceSeconds`
   * (0 = stop at once), so the admin can update Okta without downtime.
   */
  async rotateToken(directoryId: string, graceSeconds: number): Promise<string> {
    const token = await this.db.transaction(async (trx) => {
      const expiry = trx.raw(`now() + make_interval(secs => ?)`, [graceSeconds]);
      await trx('directory_tokens')
        .where({ directory_id: directoryId })
        .whereNull('revoked_at')
        .andWhere((q) => void q.whereNull('expires_at').orWhereRaw('expires_at > ?', [expiry]))
        .update({ expires_at: expiry });
      const issued = issueToken();
      await trx('directory_tokens').insert({ directory_id: directoryId, token_hash: issued.hash, prefix: issued.displayPrefix });
      return issued.token;
    });
    announceAuthChange(`dir:${directoryId}`);
    return token;
  }

  /** Revokes every token but the newest (after a rotation), or the one named. Returns how many were revoked. */
  async revokeTokens(directoryId: string, tokenId?: string): Promise<number> {
    const newest = await this.db('directory_tokens').where({ directory_id: directoryId }).orderBy('created_at', 'desc').first('id');
    const q = this.db('directory_tokens').where({ directory_id: directoryId }).whereNull('revoked_at');
    if (tokenId) void q.where({ id: tokenId });
    else if (newest) void q.whereNot({ id: (newest as { id: string }).id });
    const revoked = await q.update({ revoked_at: this.db.fn.now() });
    announceAuthChange(`dir:${directoryId}`);
    return revoked;
  }

  async listTokens(directoryId: string): Promise<DirectoryToken[]> {
    const rows = await this.db('directory_tokens').where({ directory_id: directoryId }).orderBy('created_at', 'desc');
    return rows.map((r: { id: string; prefix: string; created_at: Date; last_used_at: Date | null; expires_at: Date | null; revoked_at: Date | null }) => ({
      id: r.id,
      prefix: r.prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    }));
  }

  /**
   * Everything needed to check a token of one directory: its live token hashes (not
   * revoked; expiry is checked by the caller at use time), or `null` when the directory
   * does not exist, is disabled, or its organization has Directory Sync off.
   * The principal cache (src/directory/principal-cache.ts) keeps this per directory.
   */
  async loadAuthEntry(directoryId: string): Promise<DirectoryAuthEntry | null> {
    if (!isUuid(directoryId)) return null;
    const rows: { token_id: string | null; token_hash: Buffer | null; expires_at: Date | null; organization_id: string; provider: Provider }[] = await this.db('directories as d')
      .join('organizations as o', 'o.id', 'd.organization_id')
      .leftJoin('directory_tokens as t', (j) => void j.on('t.directory_id', 'd.id').andOnNull('t.revoked_at'))
      .where('d.id', directoryId)
      .andWhere('d.status', 'active')
      .andWhere('o.directory_sync_enabled', true)
      .select('t.id as token_id', 't.token_hash', 't.expires_at', 'd.organization_id', 'd.provider');
    const first = rows[0];
    if (!first) return null;
    const tokens = rows.flatMap((r) => (r.token_id && r.token_hash ? [{ id: r.token_id, hash: r.token_hash, expiresAt: r.expires_at ? r.expires_at.getTime() : null }] : []));
    return { organizationId: first.organization_id, provider: first.provider, tokens };
  }

  /**
   * Resolves a bearer token for one directory straight from PostgreSQL (the CLI and
   * tests; the web process goes through the principal cache). Unknown, disabled and
   * other-tenant directories, wrong, expired and revoked tokens all give `undefined`,
   * after the same constant-time comparison work.
   */
  async authenticate(directoryId: string, token: string): Promise<DirectoryPrincipal | undefined> {
    return matchToken(directoryId, await this.loadAuthEntry(directoryId), token, Date.now());
  }

  /** Records use of a token (called at most once a minute per token by the caller). */
  async touchToken(tokenId: string): Promise<void> {
    await this.db('directory_tokens').where({ id: tokenId }).update({ last_used_at: this.db.fn.now() });
  }
}

function defaultName(provider: Provider): string {
  const names: Record<Provider, string> = {
    okta: 'Okta',
    entra: 'Microsoft Entra ID',
    onelogin: 'OneLogin',
    jumpcloud: 'JumpCloud',
    generic: 'Generic SCIM 2.0',
  };
  return names[provider];
}
