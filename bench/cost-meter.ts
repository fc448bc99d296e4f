import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * What one imported user costs, measured around a fixed import (issue 10, requirement 1):
 * - SQL statements from the clients (pg_stat_statements' `toplevel` calls in the bench
 *   database), and all statements including those run inside functions and triggers;
 * - Redis commands sent by dirsync's processes (a script call counts once), and all
 *   commands including those run inside Lua scripts — both read from MONITOR and kept
 *   only when they touch the bench's own key prefix, so other Redis users do not count;
 * - CPU seconds (utime + stime from /proc) of the web and worker processes, of the
 *   PostgreSQL backends serving the bench database, and of Redis (INFO cpu; the whole
 *   server, so other load on it counts too).
 */
export interface CostPerUser {
  users: number;
  sqlClient: number | undefined;
  sqlAll: number | undefined;
  redisClient: number;
  redisAll: number;
  cpuMs: { web: number; worker: number; postgres: number; redis: number };
  note: string;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

export class CostMeter {
  private constructor(
    private readonly admin: pg.Client | undefined,
    private readonly benchPool: pg.Pool,
    private readonly dbName: string,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {}

  /** `adminUrl`: a database where `pg_stat_statements` is installed (usually `postgres`); absent → statements n/a. */
  static async create(adminUrl: string, benchPool: pg.Pool, dbName: string, redisUrl: string, prefix: string): Promise<CostMeter> {
    let admin: pg.Client | undefined = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
      await admin.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    } catch {
      await admin.end().catch(() => undefined);
      admin = undefined;
    }
    return new CostMeter(admin, benchPool, dbName, redisUrl, prefix);
  }

  get statementsAvailable(): boolean {
    return this.admin !== undefined;
  }

  private async statements(): Promise<{ client: number; all: number } | undefined> {
    if (!this.admin) return undefined;
    const { rows } = await this.admin.query<{ client: string | null; all: string | null }>(
      `SELECT sum(calls) FILTER (WHERE toplevel) AS client, sum(calls) AS all
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
      [this.dbName],
    );
    return { client: Number(rows[0]?.client ?? 0), all: Number(rows[0]?.all ?? 0) };
  }

  private async backendPids(): Promise<number[]> {
    const { rows } = await this.benchPool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [this.dbName]);
    return rows.map((r) => r.pid);
  }

  /**
   * Runs `load` (which must import exactly `users` users and nothing else against
   * dirsync) and returns its cost per user.
   */
  async measure(users: number, pids: { web: number; worker: number[] }, load: () => Promise<void>): Promise<CostPerUser> {
    const monitor = await startMonitor(this.redisUrl, this.prefix);
    const info = new Redis(this.redisUrl, { maxRetriesPerRequest: 2 });
    const pgPids = await this.backendPids();
    const before = {
      sql: await this.statements(),
      web: cpuTicks(pids.web),
      worker: pids.worker.reduce((n, p) => n + cpuTicks(p), 0),
      postgres: pgPids.reduce((n, p) => n + cpuTicks(p), 0),
      redis: await redisCpuSeconds(info),
    };
    await load();
    // Let delivery drain and replies settle, so their cost is counted too.
    await new Promise((r) => setTimeout(r, 1500));
    const pgPidsAfter = await this.backendPids();
    const after = {
      sql: await this.statements(),
      web: cpuTicks(pids.web),
      worker: pids.worker.reduce((n, p) => n + cpuTicks(p), 0),
      // Backends that appeared meanwhile count from zero.
      postgres: pgPidsAfter.reduce((n, p) => n + cpuTicks(p), 0),
      redis: await redisCpuSeconds(info),
    };
    const { client: redisClient, all: redisAll } = monitor.stop();
    info.disconnect();
    const perUserMs = (ticks: number) => (ticks / TICKS_PER_SECOND / users) * 1000;
    // The meter's own statements (two per snapshot) are not the service's.
    const own = 2;
    return {
      users,
      sqlClient: before.sql && after.sql ? Math.max(0, after.sql.client - before.sql.client - own) / users : undefined,
      sqlAll: before.sql && after.sql ? Math.max(0, after.sql.all - before.sql.all - own) / users : undefined,
      redisClient: redisClient / users,
      redisAll: redisAll / users,
      cpuMs: {
        web: perUserMs(after.web - before.web),
        worker: perUserMs(after.worker - before.worker),
        postgres: perUserMs(after.postgres - before.postgres),
        redis: ((after.redis - before.redis) / users) * 1000,
      },
      note: this.admin ? '' : 'SQL statements n/a: pg_stat_statements is not loaded (docs/benchmarks.md says how to turn it on)',
    };
  }

  async close(): Promise<void> {
    await this.admin?.end().catch(() => undefined);
  }
}

/**
 * MONITOR over a plain socket: each line is `+<time> [<db> <source>] "<cmd>" "<arg>"…`,
 * where the source is `lua` for commands a script ran. Only lines naming the bench's
 * key prefix count (every key and channel of dirsync's carries it).
 */
async function startMonitor(redisUrl: string, prefix: string): Promise<{ stop(): { client: number; all: number } }> {
  const url = new URL(redisUrl);
  const socket = net.connect(Number(url.port || 6379), url.hostname);
  let client = 0;
  let all = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write('MONITOR\r\n');
      resolve();
    });
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf('\r\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 2);
      if (line.startsWith('+') && line.includes(prefix)) {
        all++;
        if (!/^\+[0-9.]+ \[\d+ lua\]/.test(line)) client++;
      }
      nl = buffered.indexOf('\r\n');
    }
  });
  socket.on('error', () => undefined);
  // MONITOR answers +OK first; give it a moment so no command of the measured load is missed.
  await new Promise((r) => setTimeout(r, 200));
  return {
    stop() {
      socket.destroy();
      return { client, all };
    },
  };
}

export function formatCost(c: CostPerUser): string[] {
  const f = (n: number | undefined, d = 2) => (n === undefined ? 'n/a' : n.toFixed(d));
  return [
    `SQL statements per user: ${f(c.sqlClient)} from clients (${f(c.sqlAll)} including those run inside triggers and functions)`,
    `Redis commands per user: ${f(c.redisClient)} sent by dirsync (${f(c.redisAll)} including those run inside Lua scripts)`,
    `CPU ms per user: web ${f(c.cpuMs.web)}, worker ${f(c.cpuMs.worker)}, PostgreSQL ${f(c.cpuMs.postgres)}, Redis ${f(c.cpuMs.redis)}`,
    ...(c.note ? [c.note] : []),
  ];
}
