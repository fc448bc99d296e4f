/**
 * The Admin Portal's page cursors, exactly as PortalReadStore writes them into
 * its links. Anything else in a query string is refused where it is decoded
 * (a 400 page), so a hand-edited cursor never reaches SQL as a bad timestamp.
 */
const SEQ = /^\d{1,15}$/;
// PostgreSQL's own text of a timestamptz (DateStyle ISO), a bar, and the operation's uuid.
const ACTIVITY = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSeqCursor(v: string): boolean {
  return SEQ.test(v);
}

export function isActivityCursor(v: string): boolean {
  const m = ACTIVITY.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  // A real calendar day: Date.UTC rolls 02-30 over into March, which the round trip exposes.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
