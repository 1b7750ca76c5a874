// A scrape-time read whose cost grows with the database (queue depth by type is a GROUP BY over
// the backlog) must not stall the main thread on every scrape of a big database. CostBoundedRead
// runs it at most once per scrape, and when it was slow, reuses its result long enough that it
// never takes more than `maxShare` of the main thread's time. On a small database (the usual case,
// and every test) a read takes well under `freeMs` and is fresh on every scrape.

export interface CostBound {
  /** A read faster than this is never reused across scrapes. Default 10 ms. */
  freeMs: number;
  /** Largest share of wall time a slow read may take: it is reused for took / maxShare. Default 1%. */
  maxShare: number;
  /** Monotonic clock in ms (tests inject one). */
  clock: () => number;
}

export class CostBoundedRead<T> {
  private readonly bound: CostBound;
  private last?: { scrape: number; value: Promise<T>; reuseUntil: number };

  constructor(
    private readonly read: () => T | Promise<T>,
    bound: Partial<CostBound> = {},
  ) {
    this.bound = { freeMs: 10, maxShare: 0.01, clock: () => performance.now(), ...bound };
  }

  /** The value for scrape number `scrape`: read now, or reused (same scrape, or a slow read's reuse window). */
  async get(scrape: number): Promise<T> {
    const { clock, freeMs, maxShare } = this.bound;
    const started = clock();
    const last = this.last;
    if (last && (last.scrape === scrape || started < last.reuseUntil)) return last.value;
    // The gauges of one scrape share the read, even while it is still in flight (an async store).
    const value = Promise.resolve().then(() => this.read());
    this.last = { scrape, value, reuseUntil: -Infinity };
    try {
      await value;
    } finally {
      const took = clock() - started;
      if (this.last?.value === value) this.last.reuseUntil = took > freeMs ? started + took / maxShare : -Infinity;
    }
    return value;
  }
}
