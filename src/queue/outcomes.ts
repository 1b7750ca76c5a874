// How an attempt ends: the retry plan for a failure (the store writes it inside the runner's tick),
// how the runner counts it, and the one log line it gets. The runner collects endings from its
// threads (and from timeouts, cancels, crashes) and hands them to the store in batches.
import type { Logger } from '../log/logger.ts';
import type { Applied, Attempt, Ending, Plan } from '../store/types.ts';
import { retryDelay, type BackoffOptions } from './backoff.ts';

export type { Applied, Attempt, Ending, Plan };

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


/** How an attempt ended, as counted by the runner's stats (and the metrics observer). */
export type AttemptOutcome = 'completed' | 'retried' | 'failed' | 'cancelled' | 'released' | 'discarded';

export function attemptOutcome(a: Applied): AttemptOutcome {
  if (!a.written) return 'discarded'; // its lease had moved on: another attempt owns the job now
  if (a.ending.kind === 'ok') return 'completed';
  if (a.plan?.status === 'failed') return 'failed';
  if (a.plan?.status === 'cancelled') return 'cancelled';
  return a.ending.kind === 'released' ? 'released' : 'retried';
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
