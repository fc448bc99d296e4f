/**
 * At most `limit` tasks run at once; the rest wait in arrival order. Used by the scim
 * worker so a batch job's writes never put more statements before PostgreSQL at once
 * than WORKER_CONCURRENCY did when every write was its own job: more would only queue
 * for pool connections and CPU, adding latency without adding throughput.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('Semaphore limit must be at least 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so a late arrival cannot overtake it.
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running now (for tests and metrics). */
  get active(): number {
    return this.running;
  }
}
