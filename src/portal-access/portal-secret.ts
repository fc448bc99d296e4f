import type { Logger } from 'pino';
import type { Config } from '../config/config';
import type { Db } from '../store/db';
import { PortalSecretStore } from '../store/portal-secret-store';

const cache = new WeakMap<Db, Promise<string>>();

/**
 * The key that signs Admin Portal links: PORTAL_SECRET, or (never in
 * production: config refuses to load without it) a development key kept in
 * the database so the CLI and the server agree.
 */
export function portalSecret(config: Config, db: Db, log?: Logger): Promise<string> {
  if (config.portal.secret) return Promise.resolve(config.portal.secret);
  let secret = cache.get(db);
  if (!secret) {
    secret = new PortalSecretStore(db).loadDevelopmentPortalSecret();
    cache.set(db, secret);
    secret.then(
      () => log?.warn('PORTAL_SECRET is not set: Admin Portal links are signed with a development key stored in the database (set PORTAL_SECRET in production)'),
      () => cache.delete(db),
    );
  }
  return secret;
}
