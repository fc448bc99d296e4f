import type { Db } from './db';

/** A named SQL statement: PostgreSQL parses and plans it once per connection, then reuses the plan. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export const statement = (name: string, text: string): Statement => ({ name, text });

interface PgClient {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

interface KnexPgClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

/**
 * Runs a prepared statement on a connection of knex's pool (one pool per process, so
 * the connection budget of docs/operations.md holds) with `pg` directly: no query
 * builder on the hot path, and the statement's plan is cached per connection.
 * Outside a transaction a single statement is its own transaction (autocommit).
 */
export async function runPrepared<R>(db: Db, st: Statement | { name?: undefined; text: string }, values: unknown[]): Promise<{ rows: R[]; rowCount: number }> {
  const client = db.client as unknown as KnexPgClient;
  const connection = await client.acquireConnection();
  try {
    const result = await connection.query(st.name ? { name: st.name, text: st.text, values } : { text: st.text, values });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Statements whose text is built at run time (a compiled SCIM filter: its text depends
 * only on the filter's shape, every value is a parameter). The first `max` shapes are
 * prepared under a name derived from the text; later ones run unnamed, so a client
 * inventing endless shapes cannot grow every connection's statement cache.
 */
export class StatementShapes {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly max = 200,
  ) {}

  for(text: string): Statement | { text: string } {
    let name = this.names.get(text);
    if (!name && this.names.size < this.max) {
      name = `${this.prefix}_${this.names.size}`;
      this.names.set(text, name);
    }
    return name ? { name, text } : { text };
  }
}

/** Turns knex-style `?` placeholders into `$n`, numbering from `first`. */
export function numberPlaceholders(sql: string, first: number): string {
  let n = first;
  return sql.replace(/\?/g, () => `$${n++}`);
}
