// What the runner asks the store to claim in a tick: room, per-type caps, the types it runs, and
// the placement of candidates on threads (Placement), which the store calls inside its transaction.
// The store reads ready candidates and claims the ones placed; the runner learns which thread each
// claimed job goes to from `threadOf`.
import type { Candidate, ClaimRequest } from '../store/types.ts';
import type { JobTypes } from './job-types.ts';
import type { Placement, ThreadView } from './placement.ts';

export interface ClaimPlan {
  request: ClaimRequest;
  /** Filled in by place(): the thread index of each job the store is about to claim. */
  threadOf: Map<string, number>;
}

export function claimPlan(r: {
  types: JobTypes;
  placement: Placement;
  threads: readonly ThreadView[];
  room: number;
  caps: ReadonlyMap<string, number>;
  /** Types an operator paused: not claimed (their jobs stay pending). */
  paused?: ReadonlySet<string>;
}): ClaimPlan {
  const threadOf = new Map<string, number>();
  const place = (candidates: readonly Candidate[], left: ReadonlyMap<string, number>): Candidate[] =>
    r.placement.place(candidates, r.threads, new Map(left)).map(([candidate, thread]) => {
      threadOf.set(candidate.id, thread);
      return candidate;
    });
  const names = r.types.names();
  const types = r.paused?.size ? names.filter((type) => !r.paused!.has(type)) : names;
  return { request: { room: r.room, caps: r.caps, types, place }, threadOf };
}
