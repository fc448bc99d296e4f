import { loadConfig } from '../config/config';
import { createLogger } from '../log/logger';
import { startWeb } from './web-runtime';
import { installShutdown } from './shutdown';
import { runMain } from './run-main';
import { followClusterPrimary, runClusterPrimary, shouldFork } from '../ops/cluster-launcher';

/** Procfile `web`: one process, or WEB_CONCURRENCY processes under a cluster primary. */
runMain('web', async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'web');
  if (shouldFork(config.webConcurrency)) return runClusterPrimary(config.webConcurrency, log);
  const web = await startWeb(config, log);
  followClusterPrimary(installShutdown(log, web.closers));
});
