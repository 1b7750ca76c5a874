// How an attempt ends, decided and written in one place. The runner collects endings from its
// threads (and from timeouts, cancels, crashes) and applies them in batches inside its transaction:
// completions as one statement, the rarer failures one row at a time.
import type { Db } from '../db/open.ts';
import type { Logger } from '../log/logger.ts';
import type { FinalStatus } from '../runs/ledger.ts';
import { retryDelay, type BackoffOptions } from './backoff.ts';
import { completeJobs, endAttempt, type Completion } from './store/finish-jobs.ts';
import { endRun, insertFinishedRuns, succeedRuns, type FinishedRun } from './store/runs.ts';

export type Ending =
  | { kind: 'ok'; result: string | null; processed: number | null; total: number | null }
  /** A failed attempt: retried with backoff unless attempts are used up or it is not retryable. */
  | { kind: 'error'; message: string; retryAfterMs?: number; retryable?: boolean }
  /** Interrupted through no fault of its own (shutdown, a neighbour's timeout): back to pending, attempt not counted. */
  | { kind: 'released'; message: string }
  | { kind: 'cancelled'; message: string };

/** What the runner knows about the attempt that ended. */
export interface Attempt {
  id: string;
  token: string;
  type: string;
  traceId: string;
  tenantId: string | null;
  attempt: number;
  maxAttempts: number;
  /** Its job_runs row, and whether that row has been opened yet (see store/runs.ts). */
  runId: string;
  startedAt: number;
  runOpen: boolean;
}

export interface Plan {
  status: 'pending' | 'failed' | 'cancelled';
  runAt?: number;
  uncount?: boolean;
  error?: { attempt: number; message: string };
  run: { status: FinalStatus; error: string };
  retryInMs?: number;
}

export function planEnding(ending: Exclude<Ending, { kind: 'ok' }>, a: Attempt, now: number, backoff: BackoffOptions): Plan {
  const message = ending.message;
  switch (ending.kind) {
    case 'released':
      return { status: 'pending', runAt: now, uncount: true, run: { status: 'abandoned', error: message } };
    case 'cancelled':
      return { status: 'cancelled', error: { attempt: a.attempt, message }, run: { status: 'cancelled', error: message } };
    case 'error': {
      const error = { attempt: a.attempt, message };
      if (ending.retryable === false || a.attempt >= a.maxAttempts) return { status: 'failed', error, run: { status: 'failed', error: message } };
      const delay = ending.retryAfterMs ?? retryDelay(a.attempt, backoff);
      return { status: 'pending', runAt: now + delay, retryInMs: delay, error, run: { status: 'failed', error: message } };
    }
  }
}

export interface Applied {
  attempt: Attempt;
  ending: Ending;
  plan?: Plan;
  /** false: the lease had moved on (expired and re-claimed), so nothing was written. */
  written: boolean;
}

/** How an attempt ended, as counted by the runner's stats (and the metrics observer). */
export type AttemptOutcome = 'completed' | 'retried' | 'failed' | 'cancelled' | 'released' | 'discarded';

export function attemptOutcome(a: Applied): AttemptOutcome {
  if (!a.written) return 'discarded'; // its lease had moved on: another attempt owns the job now
  if (a.ending.kind === 'ok') return 'completed';
  if (a.plan?.status === 'failed') return 'failed';
  if (a.plan?.status === 'cancelled') return 'cancelled';
  return a.ending.kind === 'released' ? 'released' : 'retried';
}

const runOf = (a: Attempt, status: FinalStatus, details: string | null, error: string | null): FinishedRun => ({
  runId: a.runId, type: a.type, jobId: a.id, traceId: a.traceId, startedAt: a.startedAt, status, details, error,
});

/** Writes a batch of endings (job rows and their job_runs rows). Call inside the runner's transaction. */
export function applyEndings(db: Db, endings: readonly { attempt: Attempt; ending: Ending }[], now: number, backoff: BackoffOptions, owner: string): Applied[] {
  const applied: Applied[] = [];
  const completions: Completion[] = [];
  const completing = new Map<string, { attempt: Attempt; ending: Ending; result: string | null }>();
  for (const { attempt, ending } of endings) {
    if (ending.kind === 'ok') {
      completions.push({ id: attempt.id, token: attempt.token, result: ending.result, processed: ending.processed, total: ending.total });
      completing.set(attempt.id, { attempt, ending, result: ending.result });
      continue;
    }
    const plan = planEnding(ending, attempt, now, backoff);
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

/** Completions of attempts that ran at least this long are logged at info level. */
export const LONG_JOB_LOG_MS = 1_000;

/**
 * One line per ending, after the transaction committed; each carries the job's traceId.
 * `now` is the tick's clock (when the ending was written), so a completion costs no clock read.
 */
export function logEnding(logger: Logger, { attempt: a, ending, plan, written }: Applied, now: number): void {
  const fields = { job: a.type, jobId: a.id, traceId: a.traceId, tenantId: a.tenantId ?? undefined, attempt: a.attempt };
  if (!written) {
    logger.warn('Queue job result discarded: its lease had expired and the job went back to the queue', fields);
    return;
  }
  if (ending.kind === 'ok') {
    // Short jobs complete thousands of times a second, so they log at debug; a long one is worth a line.
    const durationMs = now - a.startedAt;
    if (durationMs >= LONG_JOB_LOG_MS) return logger.info('Queue job completed', { ...fields, durationMs });
    return logger.debug('Queue job completed', fields);
  }
  const error = ending.message;
  if (plan?.status === 'pending' && ending.kind === 'error') logger.warn('Queue job failed; will retry', { ...fields, error, retryInMs: plan.retryInMs });
  else if (plan?.status === 'pending') logger.info('Queue job interrupted; back in the queue', { ...fields, reason: error });
  else if (plan?.status === 'cancelled') logger.info('Queue job cancelled', { ...fields, reason: error });
  else logger.error('Queue job failed', { ...fields, error, maxAttempts: a.maxAttempts });
}
