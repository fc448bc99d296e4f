import { loadConfig } from './src/config/config';
import { migrationConfig } from './src/store/db';

// For the knex CLI (`npx tsx node_modules/.bin/knex migrate:status`); the app itself migrates through `npm run release`.
const config = loadConfig();

module.exports = {
  client: 'pg',
  connection: { connectionString: config.databaseUrl, ssl: config.databaseSsl ? { rejectUnauthorized: false } : false },
  migrations: migrationConfig(),
};
