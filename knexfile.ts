import { loadConfig } from './src/config/config';
import { migrationConfig } from './src/store/db';

// For the knex CLI: `npx tsx node_modules/.bin/knex migrate:status` from source, or
// `npx knex --knexfile dist/knexfile.js migrate:status` on a build. The app itself migrates through `release`.
const config = loadConfig();

module.exports = {
  client: 'pg',
  connection: { connectionString: config.databaseUrl, ssl: config.databaseSsl ? { rejectUnauthorized: false } : false },
  migrations: migrationConfig(),
};
