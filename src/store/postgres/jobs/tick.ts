// The queue runner's unit of work on PostgreSQL: one transaction that records the endings reported
// since the last tick, opens run rows of attempts that run for a while, writes progress, makes due
// jobs ready and claims what the runner has room for. The engine's choices (retry plans, placement
// on threads) arrive as synchronous functions and run between the statements.
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../../core/ids.ts';
import type { ClaimRequest, ClaimedRow, TickRequest, TickResult } from '../../types.ts';
import type { Db } from '../db.ts';
import { openRuns } from '../runs/queue-runs.ts';
import { claimJobs, PROMOTE_BATCH, promoteDue, readyCandidates, runningByType } from './claim.ts';
import { applyEndings } from './endings.ts';
import { writeProgress } from './finish.ts';

/** Call inside a transaction. */
export async function tick(db: Db, t: TickRequest): Promise<TickResult> {
  const applied = await applyEndings(db, t);
  await openRuns(db, t.openRuns, t.owner);
  await writeProgress(db, t.progress, t.now);
  if (!t.claim || t.claim.room <= 0) return { applied, claimed: [] };
  const moreDue = (await promoteDue(db, t.now)) === PROMOTE_BATCH;
  return { applied, claimed: await claimRound(db, t.claim, t), moreDue };
}

/** Reads ready candidates of the runner's types (capped types only up to their room), lets the engine place them, claims those. */
async function claimRound(db: Db, c: ClaimRequest, t: Pick<TickRequest, 'now' | 'owner' | 'leaseMs'>): Promise<ClaimedRow[]> {
  const left = new Map<string, number>();
  if (c.caps.size > 0) {
    const running = await runningByType(db, [...c.caps.keys()]);
    for (const [type, cap] of c.caps) left.set(type, Math.max(0, cap - (running.get(type) ?? 0)));
  }
  const candidates = await readyCandidates(db, c.room, c.types, left);
  if (candidates.length === 0) return [];
  const chosen = c.place(candidates, left);
  const claims = chosen.map((candidate) => ({ id: candidate.id, token: randomUUID(), runId: uuidv7(t.now) }));
  return claimJobs(db, claims, { owner: t.owner, now: t.now, leaseMs: t.leaseMs });
}
