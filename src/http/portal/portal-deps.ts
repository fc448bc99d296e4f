import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import type { Db } from '../../store/db';
import type { ThrottleStats } from '../../ops/throttle-stats';

/** What every portal route module is given by the portal router. */
export interface PortalDeps {
  config: Config;
  db: Db;
  log: Logger;
  /** Rate-limit counters of a directory (Redis); absent when the app runs without ops. */
  throttleStats?: (directoryId: string) => Promise<ThrottleStats>;
}
