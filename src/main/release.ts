import { loadConfig } from '../config/config';
import { createDb } from '../store/db';
import { checkPostgres } from '../ops/preflight';
import { runMain } from './run-main';
import { ensureDatabase } from '../store/ensure-database';
import { ensureAppModelSchema } from '../app-model/app-model-schema';

/** Procfile `release`: apply pending migrations, then exit. */
runMain('release', async () => {
  const config = loadConfig();
  if (config.env !== 'production') await ensureDatabase(config.databaseUrl);
  const db = createDb(config, 2, { forMigrations: true });
  await checkPostgres(db, config.databaseUrl);
  const [batch, applied] = (await db.migrate.latest()) as [number, string[]];
  process.stdout.write(applied.length ? `migrated (batch ${batch}): ${applied.join(', ')}\n` : 'migrations already current\n');
  for (const move of await ensureAppModelSchema(db, config.appModelSchema)) process.stdout.write(`app user model: moved ${move}\n`);
  await db.destroy();
});
