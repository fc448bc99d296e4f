import type { Middleware } from 'koa';
import type { Queue } from 'bullmq';
import { opsBasicAuth } from './ops-basic-auth';

export const BOARD_PATH = '/ops/queues';

export interface BoardOptions {
  queues: Queue[];
  adminApiKey: string | undefined;
  /** OPS_BOARD_WRITE: allow retry/remove/promote from the board. */
  write: boolean;
}

/**
 * Bull Board's packages (UI server, templates) are loaded on the first authenticated
 * board request, not at boot: they add ~15 MB to every web process that never opens it.
 */
async function loadBoard(opts: BoardOptions): Promise<Middleware> {
  const [{ createBullBoard }, { BullMQAdapter }, { KoaAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/koa'),
  ]);
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: opts.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !opts.write })),
    // @bull-board/koa pins its own copy of the api package; the adapter contract is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'dirsync queues' } },
  });
  return serverAdapter.registerPlugin() as Middleware;
}

/** Bull Board at /ops/queues behind Basic auth; read-only unless OPS_BOARD_WRITE=true. */
export function bullBoardMiddleware(opts: BoardOptions): Middleware {
  let board: Promise<Middleware> | undefined;
  const auth = opsBasicAuth(opts.adminApiKey, 'dirsync ops');
  return async (ctx, next) => {
    if (ctx.path !== BOARD_PATH && !ctx.path.startsWith(`${BOARD_PATH}/`)) return next();
    // Never cached by a proxy: the board shows job data.
    ctx.set('Cache-Control', 'no-store');
    await auth(ctx, async () => {
      board ??= loadBoard(opts).catch((error: unknown) => {
        board = undefined; // a failed load is retried by the next request
        throw error;
      });
      await (await board)(ctx, next);
    });
  };
}
