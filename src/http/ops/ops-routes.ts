import type { Middleware } from 'koa';
import { bullBoardMiddleware } from './bull-board';
import type { Queue } from 'bullmq';

/** /ops/queues (Bull Board). Kept a thin seam so other ops pages can join it. */
export function opsRoutes(opts: { queues: Queue[]; adminApiKey: string | undefined; boardWrite: boolean }): Middleware {
  return bullBoardMiddleware({ queues: opts.queues, adminApiKey: opts.adminApiKey, write: opts.boardWrite });
}
