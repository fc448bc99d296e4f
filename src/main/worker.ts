import { loadConfig } from '../config/config';
import { createLogger } from '../log/logger';
import { startWorkers } from './worker-runtime';
import { installShutdown } from '../ops/shutdown';
import { runMain } from './run-main';

/** Procfile `worker`. */
runMain('worker', async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'worker', { buffered: true });
  const workers = await startWorkers(config, log);
  installShutdown(log, workers.closers);
});
