// What the runner asks the store to claim in a tick: room, per-type caps, types it cannot run, and
// the placement of candidates on threads (Placement), which the store calls inside its transaction.
// The store reads ready candidates and claims the ones placed; the runner learns which thread each
// claimed job goes to from `threadOf`.
import type { Logger } from '../log/logger.ts';
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
  /** Types seen in the queue that no loaded job file handles; learned, then skipped. */
  unknownTypes: Set<string>;
  logger: Logger;
}): ClaimPlan {
  const threadOf = new Map<string, number>();
  const place = (candidates: readonly Candidate[], left: ReadonlyMap<string, number>): Candidate[] => {
    const known = candidates.filter((c) => {
      if (r.types.get(c.type)) return true;
      r.unknownTypes.add(c.type);
      r.logger.warn('Queue has jobs of a type no job file here handles; this runner skips them', { job: c.type });
      return false;
    });
    return r.placement.place(known, r.threads, new Map(left)).map(([candidate, thread]) => {
      threadOf.set(candidate.id, thread);
      return candidate;
    });
  };
  return { request: { room: r.room, caps: r.caps, skipTypes: [...r.unknownTypes], place }, threadOf };
}
