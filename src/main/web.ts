import { loadConfig } from '../config/config';
import { createLogger } from '../log/logger';
import { installShutdown } from '../ops/shutdown';
import { runMain } from './run-main';
import { followClusterPrimary, runClusterPrimary, shouldFork } from '../ops/cluster-launcher';

/** Procfile `web`: one process, or WEB_CONCURRENCY processes under a cluster primary. */
runMain('web', async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'web', { buffered: true });
  if (shouldFork(config.webConcurrency)) return runClusterPrimary(config.webConcurrency, log);
  // Loaded only where it serves: a cluster primary just forks and would carry the whole app (~60 MB) for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred load, on purpose.
  const { startWeb } = require('./web-runtime') as typeof import('./web-runtime');
  const web = await startWeb(config, log);
  followClusterPrimary(installShutdown(log, web.closers));
});
