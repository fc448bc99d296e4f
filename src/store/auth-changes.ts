/**
 * Changes to who may authenticate, announced inside the process that made them.
 *
 * Other processes learn of such a change from the `dirsync_auth` notification, which
 * arrives a few milliseconds after COMMIT. The process that made the change (the admin
 * API or the portal in a web process) must not serve its own stale cache even for those
 * milliseconds: a revocation is refused on the very next request it answers. The stores
 * announce here right after the change commits; the principal cache listens.
 * Payloads are the notification's: `dir:<id>` or `org:<id>`.
 */
type Listener = (payload: string) => void;

const listeners = new Set<Listener>();

export function onLocalAuthChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceAuthChange(payload: string): void {
  for (const listener of listeners) listener(payload);
}
