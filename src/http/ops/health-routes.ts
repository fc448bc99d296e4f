import Router from '@koa/router';

export interface HealthDeps {
  readiness: () => Promise<Record<string, boolean>>;
}

/** /healthz: the process is alive. /readyz: PostgreSQL and Redis answer and migrations are current (503 otherwise). */
export function createHealthRouter(deps: HealthDeps): Router {
  const router = new Router({ sensitive: true, strict: true });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await deps.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks };
  });
  return router;
}
