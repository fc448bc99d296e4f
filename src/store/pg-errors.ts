/** PostgreSQL error classification (SQLSTATE codes, https://www.postgresql.org/docs/current/errcodes-appendix.html). */
interface PgError {
  code?: string;
  constraint?: string;
}

const asPg = (e: unknown): PgError => (typeof e === 'object' && e !== null ? (e as PgError) : {});

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = asPg(error);
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** Errors worth retrying: serialization failures, deadlocks, lost or refused connections, server shutdown. */
export function isTransientDbError(error: unknown): boolean {
  const code = asPg(error).code ?? '';
  if (['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  if (code.startsWith('08')) return true;
  const message = error instanceof Error ? error.message : '';
  return /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection/i.test(message);
}
