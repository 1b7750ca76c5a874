// Writes a batch of attempt endings (job rows and their run rows) inside the runner's transaction:
// completions as one statement, the rarer failures one row at a time. How a failure is retried is
// the engine's decision (planEnding, src/queue/outcomes.ts); this file only writes it.
import type { Db } from '../open.ts';
import type { FinalStatus } from '../../../runs/types.ts';
import type { Applied, Attempt, Ending, TickRequest } from '../../types.ts';
import { endRun, insertFinishedRuns, succeedRuns, type FinishedRun } from '../runs/queue-runs.ts';
import { completeJobs, endAttempt, type Completion } from './finish.ts';

const runOf = (a: Attempt, status: FinalStatus, details: string | null, error: string | null): FinishedRun => ({
  runId: a.runId, type: a.type, jobId: a.id, traceId: a.traceId, startedAt: a.startedAt, status, details, error,
});

export function applyEndings(db: Db, t: Pick<TickRequest, 'endings' | 'planEnding' | 'now' | 'owner'>): Applied[] {
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
    const written = endAttempt(db, { id: attempt.id, token: attempt.token, status: plan.status, runAt: plan.runAt, uncount: plan.uncount, error: plan.error, now }) !== undefined;
    if (written) endRun(db, runOf(attempt, plan.run.status, null, plan.run.error), owner, now);
    applied.push({ attempt, ending, plan, written });
  }
  const accepted = completeJobs(db, completions, now);
  const acceptedIds = new Set(accepted.map((r) => r.id));
  const opened: { runId: string; details: string | null }[] = [];
  const fresh: FinishedRun[] = [];
  for (const id of acceptedIds) {
    const { attempt, result } = completing.get(id)!;
    if (attempt.runOpen) opened.push({ runId: attempt.runId, details: result });
    else fresh.push(runOf(attempt, 'success', result, null));
  }
  succeedRuns(db, opened, now);
  insertFinishedRuns(db, fresh, owner, now);
  for (const [id, c] of completing) applied.push({ attempt: c.attempt, ending: c.ending, written: acceptedIds.has(id) });
  return applied;
}
