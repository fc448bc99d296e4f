import { loadConfig } from '../config/config';
import { createLogger } from '../log/logger';
import { startWeb } from './web-runtime';
import { installShutdown } from './shutdown';
import { runMain } from './run-main';

/** Procfile `web`. */
runMain('web', async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'web');
  const web = await startWeb(config, log);
  installShutdown(log, web.closers);
});
