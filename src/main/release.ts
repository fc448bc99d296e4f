import { loadConfig } from '../config/config';
import { createDb } from '../store/db';
import { checkPostgres } from './preflight';
import { runMain } from './run-main';
import { ensureDatabase } from '../store/ensure-database';

/** Procfile `release`: apply pending migrations, then exit. */
runMain('release', async () => {
  const config = loadConfig();
  if (config.env !== 'production') await ensureDatabase(config.databaseUrl);
  const db = createDb(config, 2);
  await checkPostgres(db, config.databaseUrl);
  const [batch, applied] = (await db.migrate.latest()) as [number, string[]];
  process.stdout.write(applied.length ? `migrated (batch ${batch}): ${applied.join(', ')}\n` : 'migrations already current\n');
  await db.destroy();
});
