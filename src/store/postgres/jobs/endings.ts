// Writes a batch of attempt endings (job rows and their run rows) inside the runner's tick:
// completions and their run rows as one statement, the rarer failures one row at a time. How a failure is retried is
// the engine's decision (planEnding, src/queue/outcomes.ts), called between the statements.
import type { FinalStatus } from '../../../runs/types.ts';
import type { Applied, Attempt, Ending, TickRequest } from '../../types.ts';
import type { Db } from '../db.ts';
import { endRun, type FinishedRun } from '../runs/queue-runs.ts';
import { completeJobs, endAttempt, type Completion } from './finish.ts';

const runOf = (a: Attempt, status: FinalStatus, details: string | null, error: string | null): FinishedRun => ({
  runId: a.runId, type: a.type, jobId: a.id, traceId: a.traceId, startedAt: a.startedAt, status, details, error,
});

export async function applyEndings(db: Db, t: Pick<TickRequest, 'endings' | 'planEnding' | 'now' | 'owner'>): Promise<Applied[]> {
  const { now, owner } = t;
  const applied: Applied[] = [];
  const completions: Completion[] = [];
  const completing: { attempt: Attempt; ending: Ending }[] = [];
  for (const { attempt, ending } of t.endings) {
    if (ending.kind === 'ok') {
      const run = { runId: attempt.runId, type: attempt.type, jobId: attempt.id, traceId: attempt.traceId, startedAt: attempt.startedAt, open: attempt.runOpen };
      completions.push({ id: attempt.id, token: attempt.token, result: ending.result, processed: ending.processed, total: ending.total, run });
      completing.push({ attempt, ending });
      continue;
    }
    const plan = t.planEnding(ending, attempt);
    const end = { id: attempt.id, token: attempt.token, status: plan.status, runAt: plan.runAt, uncount: plan.uncount, error: plan.error, now };
    const written = (await endAttempt(db, end)) !== undefined;
    if (written) await endRun(db, runOf(attempt, plan.run.status, null, plan.run.error), owner, now);
    applied.push({ attempt, ending, plan, written });
  }
  // Completions (the common case) and their run rows: one statement for the whole batch.
  const accepted = await completeJobs(db, completions, now, owner);
  for (const c of completing) applied.push({ ...c, written: accepted.has(c.attempt.id) });
  return applied;
}
