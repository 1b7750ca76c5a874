// A queue job's history, made unambiguous. A manual retry resets the job's attempt counter (the
// queue's documented behaviour), so two different tries can both be "attempt 1". Nothing stores
// "retried by hand", but the history allows it to be worked out:
// - every failed, cancelled or recovered attempt appends an error-log entry {at, attempt, message}
//   and ends its job_runs row at the same instant with the same message, so entry and run pair up;
// - within one round of attempts the numbers only go up, and a cancelled run, or a failure with
//   the last attempt, ends the round: whatever runs after it was retried by hand;
// - an attempt interrupted by a shutdown is recorded 'abandoned' with no error entry and is not
//   counted (the next attempt gets the same number again).
// Runs are numbered in order (run 1 is the oldest); attempts keep the queue's own numbering.
import type { QueueErrorEntry, QueueJob } from '../../queue/index.ts';
import type { JobRun } from '../../runs/types.ts';

export interface RunInHistory {
  run: JobRun;
  /** 1 for the oldest run of this job still in the ledger. */
  number: number;
  /** The queue's attempt number within its round; undefined when it cannot be told. */
  attempt: number | undefined;
  /** false for an attempt given back (shutdown): it did not count against maxAttempts. */
  counted: boolean;
  /** A retry by hand came between the previous run and this one. */
  retriedBefore: boolean;
}

export interface ErrorInHistory {
  entry: QueueErrorEntry;
  /** The run this error ended, when that run is still in the ledger. */
  runNumber: number | undefined;
  retriedBefore: boolean;
}

export interface AttemptHistory {
  /** Oldest first. */
  runs: RunInHistory[];
  /** Oldest first, as the job's error log keeps them. */
  errors: ErrorInHistory[];
  /** How many retries by hand the history shows. */
  retries: number;
}

const pairKey = (at: string | null, message: string | null) => `${at}\u0000${message}`;

export function attemptHistory(job: Pick<QueueJob, 'status' | 'attempts' | 'maxAttempts' | 'errorLog'>, runsAnyOrder: readonly JobRun[]): AttemptHistory {
  const runs = runsAnyOrder.slice().sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));

  // Pair error entries with the runs they ended (same instant, same message).
  const entriesByKey = new Map<string, number[]>();
  job.errorLog.forEach((entry, i) => {
    const key = pairKey(entry.at, entry.message);
    entriesByKey.set(key, [...(entriesByKey.get(key) ?? []), i]);
  });
  const entryOfRun = runs.map((run) => entriesByKey.get(pairKey(run.endedAt, run.error))?.shift());
  const runOfEntry = new Map<number, number>();
  entryOfRun.forEach((entryIndex, runIndex) => {
    if (entryIndex !== undefined) runOfEntry.set(entryIndex, runIndex + 1);
  });

  // Attempt numbers, oldest first.
  const history: RunInHistory[] = [];
  let lastCounted: RunInHistory | undefined;
  runs.forEach((run, i) => {
    const entryIndex = entryOfRun[i];
    const newest = i === runs.length - 1;
    const current = newest && ((job.status === 'processing' && run.status === 'running') || (job.status === 'completed' && run.status === 'success'));
    const released = entryIndex === undefined && run.status === 'abandoned';
    let attempt: number | undefined;
    if (entryIndex !== undefined) attempt = job.errorLog[entryIndex]!.attempt;
    else if (current) attempt = job.attempts;
    const previous = history[i - 1];
    const roundEnded = previous !== undefined && endsRound(previous, job.maxAttempts);
    if (attempt === undefined && !released && !roundEnded && lastCounted?.attempt !== undefined && lastCounted === previous) attempt = lastCounted.attempt + 1;
    const item: RunInHistory = { run, number: i + 1, attempt, counted: !released, retriedBefore: roundEnded };
    // Numbers that do not go up mean a new round; the retry came right after the last counted run
    // (runs given back in between belong to the old round's tail).
    if (!released && attempt !== undefined && lastCounted?.attempt !== undefined && attempt <= lastCounted.attempt) {
      const firstAfter = history[lastCounted.number]; // the run after lastCounted (numbers are 1-based)
      (firstAfter ?? item).retriedBefore = true;
    }
    history.push(item);
    if (!released) lastCounted = item;
  });

  // The error log on its own: within a round the numbers only go up.
  const errors = job.errorLog.map((entry, i): ErrorInHistory => {
    const before = job.errorLog[i - 1];
    return { entry, runNumber: runOfEntry.get(i), retriedBefore: before !== undefined && entry.attempt <= before.attempt };
  });

  const retries = Math.max(
    history.filter((r) => r.retriedBefore).length,
    errors.filter((e) => e.retriedBefore).length,
  );
  return { runs: history, errors, retries };
}

/** Whether the job was finished after this run, so a later run needs a retry by hand. */
function endsRound(item: RunInHistory, maxAttempts: number): boolean {
  if (item.run.status === 'cancelled') return true;
  return item.run.status === 'failed' && item.attempt !== undefined && item.attempt >= maxAttempts;
}
