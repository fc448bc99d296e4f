import type { Config } from '../config/config';

/**
 * What `npm start` prints outside development: no demo organization exists and
 * no secret is printed (a production log is read by more people than the
 * operator), only how to create the first organization.
 */
export function productionStartBanner(config: Pick<Config, 'publicUrl' | 'env'>): string {
  return [
    '',
    `dirsync is running at ${config.publicUrl} (NODE_ENV=${config.env}: no demo organization is created)`,
    '  Create an organization:  npx dirsync create-organization --name "<customer>" --enable-directory-sync',
    '                           or POST /api/v1/organizations with Authorization: Bearer <ADMIN_API_KEY>',
    '  Then an Admin Portal link for it:  npx dirsync portal-link --org "<customer>"',
    '',
  ].join('\n');
}
