/**
 * PostgreSQL's timestamptz has no year 0 (ISO 8601's `0000` is 1 BC there) and
 * `Date` reaches years PostgreSQL cannot print back as ISO 8601; a filter date
 * outside years 0001–9999 (UTC) would fail in SQL with a 500, so it is refused
 * where the filter is decoded.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export function isStorableInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST;
}
