import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/config';

/**
 * `npm start` without ADMIN_API_KEY: a random key for this run only, so the
 * admin API (and the browser flow built on it) works out of the box. Never in
 * production or test: there the config decides.
 */
export function withDevelopmentAdminKey(config: Config): { config: Config; generatedAdminKey?: string } {
  if (config.env !== 'development' || config.adminApiKey) return { config };
  const generatedAdminKey = `dev_${randomBytes(24).toString('base64url')}`;
  return { config: Object.freeze({ ...config, adminApiKey: generatedAdminKey }), generatedAdminKey };
}
