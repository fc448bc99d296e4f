import { loadConfig } from '../config/config';
import { createLogger } from '../log/logger';
import { createDb } from '../store/db';
import { ensureDatabase } from '../store/ensure-database';
import { ensureAppModelSchema } from '../app-model/app-model-schema';
import { checkPostgres } from '../ops/preflight';
import { startWeb } from './web-runtime';
import { startWorkers } from './worker-runtime';
import { installShutdown } from '../ops/shutdown';
import { runMain } from './run-main';
import { ensureDemoDirectory } from './demo-directory';
import { withDevelopmentAdminKey } from '../http/admin/dev-admin-key';
import { issuePortalLink } from '../portal-access/portal-link';
import { productionStartBanner } from './start-banner';

/**
 * `npm start`: migrations, web and worker in one process for local use, plus (in
 * development only) a demo organization with an Okta directory whose SCIM URL and
 * token are printed on first start.
 */
runMain('start', async () => {
  const { config, generatedAdminKey } = withDevelopmentAdminKey(loadConfig());
  const log = createLogger(config.logLevel, 'dev');
  await ensureDatabase(config.databaseUrl);
  const migrator = createDb(config, 2, { forMigrations: true });
  await checkPostgres(migrator, config.databaseUrl);
  await migrator.migrate.latest();
  await ensureAppModelSchema(migrator, config.appModelSchema);
  await migrator.destroy();

  const workers = await startWorkers(config, log.child({ proc: 'worker' }));
  const web = await startWeb(config, log.child({ proc: 'web' }));
  installShutdown(log, [...web.closers.filter((c) => c.name !== 'postgres'), ...workers.closers, ...web.closers.filter((c) => c.name === 'postgres')]);

  // The demo (an organization, a live token and a portal link in the log) is for a laptop only.
  if (config.env !== 'development') {
    process.stdout.write(productionStartBanner(config) + '\n');
    return;
  }
  const demo = await ensureDemoDirectory(web.db, config.publicUrl);
  const lines = [
    '',
    `dirsync is running at ${config.publicUrl}`,
    `  Organization:   ${demo.organizationName} (${demo.organizationId})`,
    `  Directory:      Okta (${demo.directoryId})`,
    `  SCIM base URL:  ${demo.scimBaseUrl}`,
    demo.token
      ? `  Bearer token:   ${demo.token}\n                  (shown once: store it now; only its hash is kept)`
      : `  Bearer token:   shown at first start only. New one: npx dirsync rotate-token --directory ${demo.directoryId}`,
    '',
    `  Try it:  curl -H "Authorization: Bearer <token>" "${demo.scimBaseUrl}/Users?startIndex=1&count=2"`,
    '',
    generatedAdminKey
      ? `  Admin API key:  ${generatedAdminKey}\n                  (generated for this run because ADMIN_API_KEY is unset; set it to keep one)`
      : '  Admin API key:  from ADMIN_API_KEY',
    `  Admin Portal:   ${(await issuePortalLink(config, web.db, demo.organizationId)).url}`,
    `                  (single use, expires in ${Math.round(config.portal.linkTtlSeconds / 60)} min; new one: npx dirsync portal-link --org "${demo.organizationName}")`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
});
