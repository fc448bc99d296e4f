import type { Sink } from '../store/sink-store';

/** A sink as the admin API and the CLI show it (never its signing secret). */
export const presentSink = (s: Sink) => ({ id: s.id, kind: s.kind, name: s.name, url: s.url, timeoutMs: s.timeoutMs, enabled: s.enabled, deliverFrom: s.deliverFrom.toISOString(), createdAt: s.createdAt.toISOString() });
