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

  private ioRoom(assigned: readonly Assigned[]): number {
    if (!assigned.every((a) => this.threadConcurrency(a.type) > 1)) return 0;
    return Math.min(...assigned.map((a) => this.threadConcurrency(a.type))) - assigned.length;
  }

  private queueDepth(assigned: readonly Assigned[]): number {
    let depth = this.options.maxPrefetch;
    for (const a of assigned) depth = Math.min(depth, this.depth(a.type));
    return depth;
  }

  /** Could `thread` take one more job of `type` now? */
  accepts(thread: ThreadView, type: string): boolean {
    if (!thread.ready) return false;
    const n = thread.assigned.length;
    if (n === 0) return true;
    if (this.threadConcurrency(type) > 1 && this.ioRoom(thread.assigned) > 0 && n < this.threadConcurrency(type)) return true;
    const measured = (this.timings.get(type)?.samples ?? 0) >= MIN_SAMPLES;
    const depth = measured ? Math.min(this.queueDepth(thread.assigned), this.depth(type)) : this.queueDepth(thread.assigned);
    return n < depth;
  }

  /** An upper bound on the jobs `threads` could take now (how many candidates to read). */
  room(threads: readonly ThreadView[]): number {
    let room = 0;
    for (const t of threads) {
      if (!t.ready) continue;
      if (t.assigned.length === 0) room += this.depthFor(this.overall);
      else room += Math.max(0, this.queueDepth(t.assigned) - t.assigned.length, this.ioRoom(t.assigned));
    }
    return room;
  }

  /**
   * Places candidates (in claim order) on threads; returns the thread index for each placed one.
   * Ties go to the least loaded thread, so work spreads across threads. `caps` holds how many more
   * jobs of each capped type may start; it is decremented as jobs are placed.
   */
  place<C extends { type: string }>(candidates: readonly C[], threads: readonly ThreadView[], caps: Map<string, number>): [C, number][] {
    const views = threads.map((t) => ({ ready: t.ready, assigned: [...t.assigned] }));
    const placed: [C, number][] = [];
    for (const candidate of candidates) {
      const cap = caps.get(candidate.type);
      if (cap !== undefined && cap <= 0) continue;
      let best = -1;
      for (let i = 0; i < views.length; i++) {
        if (!this.accepts(views[i]!, candidate.type)) continue;
        if (best < 0 || views[i]!.assigned.length < views[best]!.assigned.length) best = i;
      }
      if (best < 0) continue;
      views[best]!.assigned.push({ type: candidate.type });
      if (cap !== undefined) caps.set(candidate.type, cap - 1);
      placed.push([candidate, best]);
    }
    return placed;
  }
}
