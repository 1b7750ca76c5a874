// The queue runner's unit of work on SQLite: one IMMEDIATE transaction that records the endings
// reported since the last tick, opens run rows of attempts that run for a while, writes progress,
// makes due jobs ready and claims what the runner has room for. The engine's choices (retry plans,
// placement on threads) arrive as synchronous functions and run between the statements.
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../../core/ids.ts';
import type { Db } from '../open.ts';
import type { ClaimRequest, ClaimedRow, TickRequest, TickResult } from '../../types.ts';
import { openRuns } from '../runs/queue-runs.ts';
import { claimJobs, PROMOTE_BATCH, promoteDue, readyCandidates, runningByType } from './claim.ts';
import { applyEndings } from './endings.ts';
import { writeProgress } from './finish.ts';

export function tick(db: Db, t: TickRequest): TickResult {
  return db.transaction((): TickResult => {
    const applied = applyEndings(db, t);
    openRuns(db, t.openRuns, t.owner);
    writeProgress(db, t.progress, t.now);
    if (!t.claim || t.claim.room <= 0) return { applied, claimed: [] };
    const moreDue = promoteDue(db, t.now) === PROMOTE_BATCH;
    return { applied, claimed: claimRound(db, t.claim, t), moreDue };
  }).immediate();
}

/** Reads ready candidates of the runner's types (capped types only up to their room), lets the engine place them, claims those. */
function claimRound(db: Db, c: ClaimRequest, t: Pick<TickRequest, 'now' | 'owner' | 'leaseMs'>): ClaimedRow[] {
  const left = new Map<string, number>();
  if (c.caps.size > 0) {
    const running = runningByType(db, [...c.caps.keys()]);
    for (const [type, cap] of c.caps) left.set(type, Math.max(0, cap - (running.get(type) ?? 0)));
  }
  const candidates = readyCandidates(db, c.room, c.types, left);
  if (candidates.length === 0) return [];
  const chosen = c.place(candidates, left);
  const claims = chosen.map((candidate) => ({ id: candidate.id, token: randomUUID(), runId: uuidv7(t.now) }));
  return claimJobs(db, claims, { owner: t.owner, now: t.now, leaseMs: t.leaseMs });
}
