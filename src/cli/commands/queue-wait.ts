// What `run` tells about the time a queue job spends in the queue: while it is pending, why (due
// later, every worker busy, no runner yet), and at the end, how long it waited before it started
// next to how long it ran. A job that "completed in 350 ms" after 2 minutes behind another job
// must not look like it took 350 ms from the caller's point of view.
import type { QueueJob } from '../client/types.ts';
import { duration, relativeTime, shortTime } from '../render/format.ts';

export interface PendingReason {
  /** Shown after "pending: " in the progress display. */
  text: string;
  /**
   * Due, never attempted and nothing processing anywhere on the database: no runner is working on
   * it, or none runs at all (what `run` reports as NO_RUNNER once --runner-timeout has passed).
   */
  idle: boolean;
}

/** Why `job` (pending) has not started, from its row and the number of jobs processing now. */
export function pendingReason(job: QueueJob, processing: number, now = Date.now()): PendingReason {
  if (Date.parse(job.runAt) > now) {
    // A retry waits out its backoff the same way a job enqueued with --run-at waits for its time.
    const what = job.attempts > 0 ? `attempt ${job.attempts + 1} due` : 'due';
    return { text: `${what} at ${shortTime(job.runAt)} (${relativeTime(job.runAt, now)})`, idle: false };
  }
  if (processing > 0) {
    return { text: `waiting for a free worker (${processing} job${processing === 1 ? '' : 's'} processing)`, idle: false };
  }
  return { text: 'waiting for a queue runner to pick it up', idle: job.attempts === 0 };
}

export interface QueueTiming {
  /** The (last) attempt: from its start to the end. Null if the job never started. */
  runMs: number | null;
  /** From enqueue to the start of the (last) attempt. Null if it never started. */
  waitedMs: number | null;
  /** From enqueue to the end. */
  totalMs: number;
}

/** Times from the job's own row (written by the runner and the queue), so both modes agree. */
export function queueTiming(job: QueueJob, now = Date.now()): QueueTiming {
  const created = Date.parse(job.createdAt);
  const ended = job.completedAt ? Date.parse(job.completedAt) : now;
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  const span = (from: number, to: number) => Math.max(0, to - from);
  return {
    runMs: started === null ? null : span(started, ended),
    waitedMs: started === null ? null : span(created, started),
    totalMs: span(created, ended),
  };
}

/**
 * The headline of a finished job, after its type, e.g. "completed in 350 ms (waited 1m 49s in
 * the queue, 1m 50s in all; job …, attempt 1 of 3)".
 */
export function finishedText(job: QueueJob, timing: QueueTiming, paintStatus: (status: string) => string): string {
  const which = `job ${job.id}, attempt ${job.attempts} of ${job.maxAttempts}`;
  const status = paintStatus(job.status);
  if (timing.runMs === null || timing.waitedMs === null) {
    return `${status} after ${duration(timing.totalMs)} in the queue, never started (${which})`;
  }
  let waited: string;
  if (job.attempts > 1) {
    // startedAt is the last attempt's: the wait includes the earlier attempts and their backoff.
    waited = `this attempt started ${duration(timing.waitedMs)} after the job was enqueued`;
  } else {
    waited = `waited ${duration(timing.waitedMs)} in the queue`;
    const delayed = Date.parse(job.runAt) - Date.parse(job.createdAt);
    // Enqueued for later (--run-at): say how much of the wait was asked for.
    if (delayed >= 1000) {
      const pastDue = timing.waitedMs - delayed;
      waited += pastDue < 1000 ? ' until its run-at time' : `, ${duration(pastDue)} of it after its run-at time`;
    }
  }
  return `${status} in ${duration(timing.runMs)} (${waited}, ${duration(timing.totalMs)} in all; ${which})`;
}
