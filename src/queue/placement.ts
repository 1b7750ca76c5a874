// Which thread gets which job, and how many jobs to claim. The rules:
//   - an idle thread takes any job;
//   - a thread runs one job at a time, but jobs may be queued on a thread behind jobs whose measured
//     average is short, up to about `queuedBudgetMs` of queued work (so with 10 µs jobs a thread
//     holds up to maxPrefetch, with 1 ms jobs about 5, with slow or not-yet-measured jobs none).
//     That keeps a thread going from one trivial job straight to the next instead of waiting for a
//     round trip to the main thread, while a slow job never holds up claimed work for long;
//   - I/O-bound types (threadConcurrency > 1) share a thread with other I/O-bound jobs, up to the
//     smallest threadConcurrency among them.
import type { JobTypes } from './job-types.ts';

export interface Assigned {
  type: string;
}

export interface ThreadView {
  ready: boolean;
  assigned: Assigned[];
}

export interface PlacementOptions {
  /** Most jobs queued on one thread (running + waiting). */
  maxPrefetch: number;
  /** Roughly how much measured work may wait on one thread. */
  queuedBudgetMs: number;
}

interface Load {
  ready: boolean;
  /** Jobs running or queued on the thread. */
  n: number;
  /** How many it may hold, from the shortest-allowed queue among its jobs. */
  depth: number;
  /** Smallest threadConcurrency if all its jobs are I/O-bound; 0 if any is not; Infinity if none. */
  io: number;
}

interface Timing {
  avgMs: number;
  samples: number;
}

const ALPHA = 0.2;
const MIN_SAMPLES = 3;

export class Placement {
  private readonly timings = new Map<string, Timing>();
  /** Average over every type: how deep to fill an idle thread up front. */
  private readonly overall: Timing = { avgMs: 0, samples: 0 };

  constructor(
    private readonly types: JobTypes,
    private readonly options: PlacementOptions,
  ) {}

  record(type: string, ms: number): void {
    let t = this.timings.get(type);
    if (!t) this.timings.set(type, (t = { avgMs: ms, samples: 0 }));
    for (const timing of [t, this.overall]) {
      timing.avgMs = timing.samples === 0 ? ms : timing.avgMs + ALPHA * (ms - timing.avgMs);
      timing.samples += 1;
    }
  }

  private depthFor(t: Timing | undefined): number {
    if (!t || t.samples < MIN_SAMPLES) return 1;
    return Math.max(1, Math.min(this.options.maxPrefetch, Math.floor(this.options.queuedBudgetMs / Math.max(t.avgMs, 0.001))));
  }

  /** How many jobs of `type` a thread may hold when they queue behind each other (1 = no queueing). */
  depth(type: string): number {
    return this.depthFor(this.timings.get(type));
  }

  private threadConcurrency(type: string): number {
    return this.types.get(type)?.threadConcurrency ?? 1;
  }

  private measured(type: string): boolean {
    return (this.timings.get(type)?.samples ?? 0) >= MIN_SAMPLES;
  }

  /** A thread's load in the terms the rules need, kept up to date as jobs are placed. */
  private loadOf(thread: ThreadView): Load {
    const load: Load = { ready: thread.ready, n: 0, depth: this.options.maxPrefetch, io: Infinity };
    for (const a of thread.assigned) this.add(load, a.type);
    return load;
  }

  private add(load: Load, type: string): void {
    load.n += 1;
    load.depth = Math.min(load.depth, this.depth(type));
    const tc = this.threadConcurrency(type);
    load.io = tc > 1 ? Math.min(load.io, tc) : 0;
  }

  /** Could a thread with this load take one more job of `type` now? */
  private accepts(load: Load, type: string): boolean {
    if (!load.ready) return false;
    if (load.n === 0) return true;
    const tc = this.threadConcurrency(type);
    if (tc > 1 && load.io > 1 && load.n < Math.min(load.io, tc)) return true;
    // Queued behind measured short jobs; an unmeasured job may queue, but nothing queues behind it.
    const depth = this.measured(type) ? Math.min(load.depth, this.depth(type)) : load.depth;
    return load.n < depth;
  }

  /** An upper bound on the jobs `threads` could take now (how many candidates to read). */
  room(threads: readonly ThreadView[]): number {
    let room = 0;
    for (const t of threads) {
      const load = this.loadOf(t);
      if (!load.ready) continue;
      if (load.n === 0) room += this.depthFor(this.overall);
      else room += Math.max(0, load.depth - load.n, load.io > 1 ? load.io - load.n : 0);
    }
    return room;
  }

  /**
   * Places candidates (in claim order) on threads; returns the thread index for each placed one.
   * Ties go to the least loaded thread, so work spreads across threads. `caps` holds how many more
   * jobs of each capped type may start; it is decremented as jobs are placed.
   */
  place<C extends { type: string }>(candidates: readonly C[], threads: readonly ThreadView[], caps: Map<string, number>): [C, number][] {
    const loads = threads.map((t) => this.loadOf(t));
    const placed: [C, number][] = [];
    for (const candidate of candidates) {
      const cap = caps.get(candidate.type);
      if (cap !== undefined && cap <= 0) continue;
      let best = -1;
      for (let i = 0; i < loads.length; i++) {
        if (!this.accepts(loads[i]!, candidate.type)) continue;
        if (best < 0 || loads[i]!.n < loads[best]!.n) best = i;
      }
      if (best < 0) continue;
      this.add(loads[best]!, candidate.type);
      if (cap !== undefined) caps.set(candidate.type, cap - 1);
      placed.push([candidate, best]);
    }
    return placed;
  }
}
