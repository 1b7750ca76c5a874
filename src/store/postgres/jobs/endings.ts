// Writes a batch of attempt endings (job rows and their run rows) inside the runner's tick:
// completions as one statement, the rarer failures one row at a time. How a failure is retried is
// the engine's decision (planEnding, src/queue/outcomes.ts), called between the statements.
import type { FinalStatus } from '../../../runs/types.ts';
import type { Applied, Attempt, Ending, TickRequest } from '../../types.ts';
import type { Db } from '../db.ts';
import { endRun, insertFinishedRuns, succeedRuns, type FinishedRun } from '../runs/queue-runs.ts';
import { completeJobs, endAttempt, type Completion } from './finish.ts';

const runOf = (a: Attempt, status: FinalStatus, details: string | null, error: string | null): FinishedRun => ({
  runId: a.runId, type: a.type, jobId: a.id, traceId: a.traceId, startedAt: a.startedAt, status, details, error,
});

export async function applyEndings(db: Db, t: Pick<TickRequest, 'endings' | 'planEnding' | 'now' | 'owner'>): Promise<Applied[]> {
  const { now, owner } = t;
  const applied: Applied[] = [];
  const completions: Completion[] = [];
  const completing = new Map<string, { attempt: Attempt; ending: Ending; result: string | null }>();
  for (const { attempt, ending } of t.endings) {
    if (ending.kind === 'ok') {
      completions.push({ id: attempt.id, token: attempt.token, result: ending.result, processed: ending.processed, total: ending.total });
      completing.set(attempt.id, { attempt, ending, result: ending.result });
      continue;
    }
    const plan = t.planEnding(ending, attempt);
    const end = { id: attempt.id, token: attempt.token, status: plan.status, runAt: plan.runAt, uncount: plan.uncount, error: plan.error, now };
    const written = (await endAttempt(db, end)) !== undefined;
    if (written) await endRun(db, runOf(attempt, plan.run.status, null, plan.run.error), owner, now);
    applied.push({ attempt, ending, plan, written });
  }
  const acceptedIds = new Set((await completeJobs(db, completions, now)).map((r) => r.id));
  const opened: { runId: string; details: string | null }[] = [];
  const fresh: FinishedRun[] = [];
  for (const id of acceptedIds) {
    const { attempt, result } = completing.get(id)!;
    if (attempt.runOpen) opened.push({ runId: attempt.runId, details: result });
    else fresh.push(runOf(attempt, 'success', result, null));
  }
  await succeedRuns(db, opened, now);
  await insertFinishedRuns(db, fresh, owner, now);
  for (const [id, c] of completing) applied.push({ attempt: c.attempt, ending: c.ending, written: acceptedIds.has(id) });
  return applied;
}
