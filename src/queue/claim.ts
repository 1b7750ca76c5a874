// One claim round: read ready candidates, place them on threads (Placement) and claim the placed
// ones. Runs inside the runner's IMMEDIATE transaction, so nothing else can
// claim between the read and the update.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import { uuidv7 } from './ids.ts';
import type { JobTypes } from './job-types.ts';
import type { Placement, ThreadView } from './placement.ts';
import { claimJobs, readyCandidates, runningByType, type ClaimedRow } from './store/claim-jobs.ts';

export interface ClaimRound {
  db: Db;
  types: JobTypes;
  placement: Placement;
  threads: readonly ThreadView[];
  room: number;
  now: number;
  owner: string;
  leaseMs: number;
  /** Types seen in the queue that no loaded job file handles; learned, then skipped. */
  unknownTypes: Set<string>;
  logger: Logger;
}

export interface ClaimResult {
  claimed: [ClaimedRow, number][];
}

export function claimRound(r: ClaimRound): ClaimResult {
  const excluded = [...r.unknownTypes];
  const caps = new Map<string, number>();
  const capped = r.types.capped();
  if (capped.length > 0) {
    const running = runningByType(r.db, capped.map((t) => t.name));
    for (const t of capped) {
      const left = t.concurrency! - (running.get(t.name) ?? 0);
      if (left <= 0) excluded.push(t.name);
      else caps.set(t.name, left);
    }
  }
  const candidates = readyCandidates(r.db, r.now, r.room, excluded);
  const known = candidates.filter((c) => {
    if (r.types.get(c.type)) return true;
    r.unknownTypes.add(c.type);
    r.logger.warn('Queue has jobs of a type no job file here handles; this runner skips them', { job: c.type });
    return false;
  });
  const placed = r.placement.place(known, r.threads, caps);
  const threadOf = new Map<string, number>();
  const claims = placed.map(([c, thread]) => {
    threadOf.set(c.id, thread);
    return { id: c.id, token: randomUUID(), runId: uuidv7(r.now) };
  });
  // Their job_runs rows are written later, by the runner (see store/runs.ts).
  const rows = claimJobs(r.db, claims, { owner: r.owner, now: r.now, leaseMs: r.leaseMs });
  return { claimed: rows.map((row) => [row, threadOf.get(row.id)!]) };
}
